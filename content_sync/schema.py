"""The content schema: what the county publishes and every terminal serves.

Field meanings follow the standard disclosure catalog (政务公开事项标准目录) and the service
guide (办事指南) elements; see docs/content-format.md. Controlled vocabularies are Literal types
so that a typo in a source file is a validation error, not a silently unknown value.

Some checks need the whole bundle (is this domain one of the county's? is this URL's host in the
site's allowlist?). They run when a `ValidationContext` is passed as pydantic's validation
context; without one, only the record itself is checked.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from .urls import MAX_URL_LENGTH, check_url

# --- controlled vocabularies -------------------------------------------------------------

DisclosureType = Literal["决策", "执行", "管理", "服务", "结果"]
DisclosureForm = Literal["主动公开", "依申请公开"]
DisclosureStatus = Literal["已公开", "待公开", "部分公开", "近期不公开", "涉密不予公开"]
ServiceClass = Literal["行政服务", "便民服务", "日常工作"]
ItemType = Literal[
    "行政许可",
    "行政处罚",
    "行政确认",
    "行政强制",
    "行政奖励",
    "行政征收",
    "行政给付",
    "行政裁决",
    "其他行政服务事项",
    "办事指南",
    "单位名录",
    "场馆信息",
    "政策文件",
    "通知公告",
    "常见问题",
    "普通信息",
    "服务链接",
]
Level = Literal["县级", "乡级"]
Channel = Literal[
    "政府网站",
    "专题专栏",
    "政务新媒体",
    "广播电视",
    "报纸",
    "公告栏",
    "电子公告栏",
    "实体大厅",
    "便民服务窗口",
    "政务公开专区",
    "新闻发布会",
    "村(居)务公开栏",
    "其他",
]
Audience = Literal["个人", "企业", "企业/个人", "行政机关", "事业单位", "社会组织", "全体"]
MaterialForm = Literal["原件", "复印件", "原件及复印件", "电子版"]
DocumentKind = Literal["政策文件", "规范性文件", "政策解读", "通知公告", "政府公报", "工作动态"]
Validity = Literal["有效", "失效", "废止"]
DocumentDisclosure = Literal["主动公开", "依申请公开", "不予公开"]
InterpretationForm = Literal["文字解读", "简明问答", "图解", "案例", "明白卡", "视频"]
HallKind = Literal["政务服务大厅", "便民服务中心", "党群服务中心", "不动产登记中心", "档案馆", "图书馆"]

DOCUMENT_KINDS_WITH_VALIDITY = ("政策文件", "规范性文件")

# --- size limits ---------------------------------------------------------------------------
# Documented in docs/content-format.md ("Limits"); checked when sources are validated and
# published, and again on the terminal before it builds a release. Chosen from real content with
# room to spare: the longest 办事指南 field of 2,262 Guangdong items (accept_conditions) is
# 1,049 characters; a whole law the size of the 民法典 is about 110,000.

NAME_MAX = 300  # names, titles, departments, item codes, document numbers
TEXT_MAX = 2_000  # one line of a guide: an address, hours, a fee, one legal basis, one material
LONG_TEXT_MAX = 10_000  # summaries, descriptions, one condition, one step's detail
BODY_MAX = 300_000  # a document's full text
URL_MAX = MAX_URL_LENGTH
# All the text of one guide together (its fields and lists): any one field may be long, not all.
# The longest of the sample county's guides has about 1,300 characters.
GUIDE_MAX_CHARS = 100_000
# Records per kind in one bundle (one county).
MAX_RECORDS = {
    "domain": 500,
    "catalog": 100_000,
    "guide": 50_000,
    "document": 100_000,
    "life_event": 2_000,
    "synonym": 20_000,
}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024  # one attachment file
ATTACHMENTS_TOTAL_MAX_BYTES = 512 * 1024 * 1024  # all attachments of a county
SHARD_MAX_BYTES = 32 * 1024 * 1024  # one JSON shard a terminal downloads (records at their limits fit)


class _AtMost(AfterValidator):
    """A length limit whose message gives the size found (pydantic's own does not), and which
    shows in the JSON Schema as maxLength."""

    def __init__(self, limit: int):
        def check(value: str) -> str:
            if len(value) > limit:
                raise ValueError(f"is {len(value):,} characters long; the limit is {limit:,}")
            return value

        super().__init__(check)
        object.__setattr__(self, "limit", limit)

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema["maxLength"] = self.limit
        return schema


def _at_most(limit: int) -> _AtMost:
    return _AtMost(limit)


# --- reusable field types ----------------------------------------------------------------

Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _at_most(NAME_MAX)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True), _at_most(NAME_MAX)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _at_most(TEXT_MAX)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True), _at_most(TEXT_MAX)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _at_most(LONG_TEXT_MAX)]
OptionalLongText = Annotated[str, StringConstraints(strip_whitespace=True), _at_most(LONG_TEXT_MAX)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), _at_most(BODY_MAX)]
Url = Annotated[str, _at_most(URL_MAX)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[0-9+()\- 、转,，]+$")
]
HostName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$",
    ),
]


@dataclass
class ValidationContext:
    """Bundle-wide facts some field checks need. Pass as `context=` to model_validate."""

    domains: set[str] | None = None
    allowed_hosts: set[str] | None = None
    # URLs outside the allowlist found while validating (used by reports that must not fail).
    rejected_urls: list[str] = field(default_factory=list)


def _context(info: ValidationInfo) -> ValidationContext | None:
    ctx = info.context
    if isinstance(ctx, ValidationContext):
        return ctx
    if isinstance(ctx, dict):
        return ctx.get("content")
    return None


class Record(BaseModel):
    """Base of every record: strict about unknown fields, so typos in sources are caught."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class _UrlChecked(Record):
    """Records with outside URLs: the scheme is always checked, the host when context is given."""

    @field_validator("*", mode="after")
    @classmethod
    def _check_urls(cls, value, info: ValidationInfo):
        if info.field_name and info.field_name.endswith("url") and isinstance(value, str) and value:
            ctx = _context(info)
            check_url(value, ctx.allowed_hosts if ctx else None)
        return value


def _text_length(value) -> int:
    """Characters of text in a record, its lists and nested records."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, BaseModel):
        return sum(_text_length(v) for v in value.__dict__.values())
    if isinstance(value, list | tuple):
        return sum(_text_length(v) for v in value)
    return 0


def _check_domain(value: str, info: ValidationInfo) -> str:
    ctx = _context(info)
    if ctx is not None and ctx.domains is not None and value not in ctx.domains:
        raise ValueError(f"unknown domain {value!r}; add it to domains.json first")
    return value


# --- site --------------------------------------------------------------------------------


class Hall(Record):
    """A service hall or township service centre with a disclosure zone (政务公开专区)."""

    id: Id
    name: Name
    kind: HallKind
    level: Level
    address: Text
    hours: Text
    phone: Phone


class DisclosureOffice(Record):
    """Where the county accepts applications for government information (依申请公开).

    Shown on the kiosk's page about applying and on a 依申请公开 catalog row, and printed on the
    application slip. Its `online_url` must be on the site's allowlist (checked with the site).
    """

    name: Name = Field(description="the accepting body, e.g. 禾川县人民政府办公室（政务公开办）")
    address: Text = Field(description="where to hand in an application in person or by post")
    hours: Text
    phone: Phone
    online_url: Annotated[OptionalText, _at_most(URL_MAX)] = Field(
        default="", description="the online application form (becomes a QR code)"
    )
    intake_public_key: OptionalText = Field(
        default="",
        description=(
            "the office's public key for applications taken at the terminals (Curve25519, base64, "
            "from `content-sync intake keygen`); empty: the terminals take no applications"
        ),
    )
    status_url: Annotated[OptionalText, _at_most(URL_MAX)] = Field(
        default="",
        description="where a citizen checks an application's progress online; the receipt's QR code adds ?code=…",
    )

    @field_validator("intake_public_key")
    @classmethod
    def _key_is_curve25519(cls, value: str) -> str:
        if value:
            try:
                raw = base64.b64decode(value, validate=True)
            except ValueError:
                raise ValueError("must be base64 (the line `content-sync intake keygen` prints)") from None
            if len(raw) != 32:
                raise ValueError(f"must be a 32-byte Curve25519 public key, got {len(raw)} bytes")
        return value


class Site(_UrlChecked):
    """The county: its halls, where its portal and online services live, where QR codes may go."""

    county: Name
    county_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    hotline: Phone = "12345"
    portal_base_url: Url
    online_service_base_url: Url
    qr_allowed_hosts: list[Annotated[HostName, _at_most(253)]] = Field(min_length=1, max_length=1000)
    halls: list[Hall] = Field(min_length=1, max_length=1000)
    disclosure_office: DisclosureOffice | None = None
    updated_at: dt.date

    @field_validator("disclosure_office", mode="after")
    @classmethod
    def _office_url_is_allowed(cls, office: DisclosureOffice | None, info: ValidationInfo):
        if office is None:
            return office
        for name in ("online_url", "status_url"):
            if getattr(office, name):
                try:
                    check_url(getattr(office, name), set(info.data.get("qr_allowed_hosts") or ()))
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from None
        return office

    @model_validator(mode="after")
    def _own_urls_are_allowed(self) -> Site:
        hosts = set(self.qr_allowed_hosts)
        for name in ("portal_base_url", "online_service_base_url"):
            try:
                check_url(getattr(self, name), hosts)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        ids = [h.id for h in self.halls]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate hall id {', '.join(dupes)}")
        return self

    @model_serializer(mode="wrap")
    def _leave_out_a_missing_office(self, handler: SerializerFunctionWrapHandler) -> dict:
        """A county without a disclosure office publishes the same site record as before the
        field existed, so terminals running older software keep accepting it."""
        data = handler(self)
        if data.get("disclosure_office", 0) is None:
            del data["disclosure_office"]
        return data


class Domain(Record):
    """A business domain (业务领域); the list is data because counties add domains."""

    id: Id
    name: Name
    description: OptionalLongText = ""
    pilot: bool = Field(default=False, description="one of the 26 national pilot domains")


# --- catalog -----------------------------------------------------------------------------


class CatalogItem(_UrlChecked):
    """One row of the standard disclosure catalog: *what* is disclosed, by whom, how."""

    id: Id
    disclosure_type: DisclosureType
    domain: Name
    category_1: Name
    category_2: OptionalName = ""
    name: Name
    content: LongText
    basis: LongText
    publisher: Text
    time_limit: Text
    channels: list[Channel] = Field(min_length=1, max_length=20)
    audience: Audience
    form: DisclosureForm
    status: DisclosureStatus
    service_class: ServiceClass
    item_type: ItemType
    level: list[Level] = Field(min_length=1, max_length=2)
    guide_id: Id | None = None
    document_ids: list[Id] = Field(default_factory=list, max_length=200)
    url: Url | None = None
    updated_at: dt.date

    _domain = field_validator("domain")(_check_domain)

    @property
    def shown_on_kiosk(self) -> bool:
        """The negative list (涉密不予公开) never reaches a citizen's screen."""
        return self.status != "涉密不予公开"


# --- guides ------------------------------------------------------------------------------


class Material(Record):
    """One item to bring (办理材料)."""

    name: Name
    form: MaterialForm = "原件"
    copies: int = Field(default=1, ge=0, le=99)
    required: bool = True
    notes: OptionalText = ""
    source: OptionalText = Field(default="", description="where the citizen gets it, e.g. 申请人自备")


class Step(Record):
    """One step of the procedure (办理流程)."""

    name: Name
    detail: OptionalText = ""


class Guide(_UrlChecked):
    """A service guide (办事指南). `name` equals the service's name on the online platform."""

    id: Id
    name: Name
    domain: Name
    department: Name = Field(description="the body that handles the service (实施主体/受理机构)")
    item_code: Name = Field(description="the platform's item code (事项编码)")
    item_type: ItemType = "其他行政服务事项"
    audience: Audience = "个人"
    summary: OptionalLongText = ""
    legal_basis: list[Text] = Field(min_length=1, max_length=50)
    conditions: list[Text] = Field(min_length=1, max_length=50)
    materials: list[Material] = Field(min_length=1, max_length=100)
    steps: list[Step] = Field(min_length=1, max_length=50)
    statutory_limit_days: int | None = Field(default=None, ge=0, le=365)
    promised_limit_days: int | None = Field(default=None, ge=0, le=365)
    fee: Text = "不收费"
    fee_basis: OptionalLongText = ""
    result: Text
    window: Text
    location: Text
    hours: Text
    consult_phone: Phone
    complaint_phone: Phone
    online_url: Url | None = None
    hall_ids: list[Id] = Field(default_factory=list, max_length=1000)
    keywords: list[Name] = Field(default_factory=list, max_length=50)
    common: bool = Field(
        default=False,
        description="one of the services citizens use most: put first when a search finds many (常用事项)",
    )
    updated_at: dt.date

    _domain = field_validator("domain")(_check_domain)

    @model_validator(mode="after")
    def _promise_within_statute(self) -> Guide:
        s, p = self.statutory_limit_days, self.promised_limit_days
        if s is not None and p is not None and p > s:
            raise ValueError(f"promised_limit_days ({p}) is longer than statutory_limit_days ({s})")
        total = _text_length(self)
        if total > GUIDE_MAX_CHARS:
            raise ValueError(f"the guide's text is {total:,} characters in all; the limit is {GUIDE_MAX_CHARS:,}")
        return self


# --- documents ---------------------------------------------------------------------------


class Attachment(Record):
    """A file attached to a document; `path` is relative to the source folder's attachments/."""

    name: Name
    path: Annotated[str, StringConstraints(max_length=NAME_MAX, pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")]

    @field_validator("path")
    @classmethod
    def _no_escape(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError("must stay inside attachments/ (no '..')")
        return value


class Document(_UrlChecked):
    """Government information (政府信息): policies, normative documents, interpretations, notices."""

    id: Id
    kind: DocumentKind
    title: Name
    number: OptionalName = Field(default="", description="发文字号, e.g. 青政办发〔2024〕12号")
    issuer: Name
    issued_on: dt.date
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    validity: Validity | None = None
    disclosure: DocumentDisclosure = "主动公开"
    domain: Name | None = None
    summary: OptionalLongText = ""
    body: Body
    interprets: Id | None = Field(default=None, description="for 政策解读: the policy it explains")
    interpretation_form: InterpretationForm | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)
    url: Url | None = None
    updated_at: dt.date

    @field_validator("domain")
    @classmethod
    def _domain_known(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _check_domain(value, info)

    @model_validator(mode="after")
    def _kind_rules(self) -> Document:
        if self.kind in DOCUMENT_KINDS_WITH_VALIDITY and self.validity is None:
            raise ValueError(f"validity is required for a {self.kind}")
        if self.kind == "政策解读" and not self.interprets:
            raise ValueError("a 政策解读 must name the policy it explains in 'interprets'")
        if self.kind != "政策解读" and self.interprets:
            raise ValueError("only a 政策解读 may set 'interprets'")
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            raise ValueError("expires_on is before effective_on")
        return self


# --- life events and synonyms --------------------------------------------------------------


class LifeEvent(Record):
    """A "get one thing done" (高效办成一件事) bundle: guides in the order a citizen needs them."""

    id: Id
    name: Name
    description: LongText
    audience: Audience = "个人"
    guide_ids: list[Id] = Field(min_length=1, max_length=100)
    updated_at: dt.date


class SynonymGroup(Record):
    """Words citizens and officials use for the same thing; the first is the official term."""

    id: Id
    terms: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = Field(
        min_length=2, max_length=50
    )

    @field_validator("terms")
    @classmethod
    def _distinct(cls, terms: list[str]) -> list[str]:
        if len(set(terms)) != len(terms):
            raise ValueError("terms repeat within the group")
        return terms


# --- the progress of applications taken at the terminals ------------------------------------

ApplicationState = Literal["已收到", "已受理", "需补正", "已答复", "已办结"]


class ApplicationStatus(Record):
    """The latest state of one application or question, by the hash of its tracking code.

    Written by the publisher from the office's intake store (`content-sync publish --intake`),
    never by hand; it holds no personal data: a hash, a state and the day it was set.
    """

    code_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    status: ApplicationState
    on_date: dt.date


RECORD_TYPES: dict[str, type[Record]] = {
    "site": Site,
    "domain": Domain,
    "catalog_item": CatalogItem,
    "guide": Guide,
    "document": Document,
    "life_event": LifeEvent,
    "synonym_group": SynonymGroup,
    "application_status": ApplicationStatus,
}

"""Applications (信息公开申请) and questions (办事咨询) taken at the terminals: the county's side.

The terminal seals each record to the disclosure office's public key (a libsodium sealed box,
the key published in site.json's `disclosure_office`) and uploads only the ciphertext. Here:

- `keys`      the office's key pair (`content-sync intake keygen`)
- `codes`     tracking codes (12 digits with a check digit) and their published hash
- `envelope`  the one definition of what is sealed: padded JSON, its size range
- `store`     the append-only store of sealed items, terminal tokens and status events
- `server`    the WSGI app the terminals post to (`content-sync intake serve`, waitress)
- `ledger`    reply deadlines in working days and the registration ledger (登记台账) as .xlsx
- `cli`       `content-sync intake …`

Nothing here ever holds the private key except `list`, `show` and `export`, which read it from a
file the office keeps offline from the intake server.
"""

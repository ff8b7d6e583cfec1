"""Read aloud (朗读): text prepared for speech, a speech engine behind one small interface, an audio cache."""

"""Secret detection: detectors (formats of credentials), the scanner, the reviewed baseline.

The secret value itself never leaves the scanner: hits carry the kind, the location, a
redacted preview (first four characters and the length), an HMAC fingerprint under a key
kept outside the repository, and, when a baseline asks, a slow salted hash.
"""

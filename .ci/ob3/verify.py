"""Verify an Open Badges 3.0 credential with openbadgeslib (nobody here wrote it).

Usage: verify.py BASE_URL < credential.jwt

The credential's issuer is a did:web under the server's public URL; every https:// URL the
verifier fetches (the DID document, the status list) is served by the test server at BASE_URL
(http://127.0.0.1:PORT), so the download hook maps the public origin onto it. Prints VALID, or
INVALID and the verifier's reason; exits 0 either way (2 on a usage error).
"""

import json
import sys
from urllib.parse import urlsplit

from openbadgeslib.ob3.verifier import OB3Verifier, OB3VerificationError
from openbadgeslib.util import download_file


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: verify.py BASE_URL < credential.jwt", file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip("/")
    token = sys.stdin.read().strip()

    def download(url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise ValueError("not https: %s" % url)
        local = base + parts.path + (("?" + parts.query) if parts.query else "")
        return download_file(local, allow_insecure=True, allow_private=True)

    try:
        payload = json.loads(
            __import__("base64").urlsafe_b64decode(token.split(".")[1] + "==")
        )
        issuer = payload["issuer"]["id"] if isinstance(payload["issuer"], dict) else payload["issuer"]
        verifier = OB3Verifier.for_issuer_did(issuer, download=download)
        credential = verifier.verify(token, check_status=True, download=download)
    except (OB3VerificationError, ValueError, KeyError, IndexError) as exc:
        print("INVALID", exc)
        return 0
    print("VALID", credential.achievement.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

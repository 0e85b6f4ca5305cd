"""RSA keys, JWKS and Cognito-style access tokens made by tests/jwt-mint,
for the tests of upload-api over HTTP and through API Gateway events."""

import json
import os
import subprocess
import time

MINT = os.environ["THUMBING_JWT_MINT"]
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST"
CLIENT = "5hq9test0client"
SUB = "4a7c1f0e-9d1b-4c55-8e7e-0123456789ab"


class Keys:
    def __init__(self, folder):
        self.folder = folder
        self.paths = {}

    def path(self, kid):
        if kid not in self.paths:
            self.paths[kid] = os.path.join(self.folder, kid + ".pem")
            subprocess.run([MINT, "key", self.paths[kid]], check=True)
        return self.paths[kid]

    def jwks(self, *kids):
        keys = []
        for kid in kids:
            out = subprocess.run([MINT, "jwks", self.path(kid), kid], check=True, capture_output=True, text=True)
            keys += json.loads(out.stdout)["keys"]
        return json.dumps({"keys": keys})

    def token(self, kid="k1", **overrides):
        now = int(time.time())
        claims = {"sub": SUB, "iss": ISSUER, "token_use": "access", "client_id": CLIENT, "exp": now + 600,
                  "iat": now, "cognito:groups": ["uploaders"]}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        out = subprocess.run([MINT, "token", self.path(kid), kid, json.dumps(claims)], check=True,
                             capture_output=True, text=True)
        return out.stdout.strip()

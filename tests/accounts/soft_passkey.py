"""A software passkey for tests: answers allauth's WebAuthn challenges like a real key would.

It signs with a fresh P-256 key and "none" attestation, so the server runs its real checks
(challenge, origin, RP id hash, signature, user verification) without a browser.
"""

import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import sha256, websafe_encode
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

FLAGS = AuthenticatorData.FLAG


class SoftPasskey:
    def __init__(self, *, origin: str = "http://testserver", user_verified: bool = True):
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.flags = FLAGS.UP | (FLAGS.UV if user_verified else 0)
        self.rp_id = ""
        self.user_handle = ""
        self.counter = 0

    def register(self, creation_options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.create`` (JSON form)."""
        public_key = creation_options["publicKey"]
        self.rp_id = public_key["rp"]["id"]
        self.user_handle = public_key["user"]["id"]
        credential = AttestedCredentialData.create(
            Aaguid.NONE, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(
            sha256(self.rp_id.encode()), self.flags | FLAGS.AT, self.counter, credential
        )
        client_data = CollectedClientData.create(
            "webauthn.create", public_key["challenge"], self.origin
        )
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(
                    AttestationObject.create("none", auth_data, {})
                ),
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def sign_in(self, request_options: dict) -> dict:
        """The browser's answer to ``navigator.credentials.get`` (JSON form)."""
        public_key = request_options["publicKey"]
        self.counter += 1
        auth_data = AuthenticatorData.create(sha256(self.rp_id.encode()), self.flags, self.counter)
        client_data = CollectedClientData.create(
            "webauthn.get", public_key["challenge"], self.origin
        )
        signature = self.key.sign(auth_data + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
                "userHandle": self.user_handle,
            },
            "clientExtensionResults": {},
        }

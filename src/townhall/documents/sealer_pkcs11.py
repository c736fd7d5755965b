"""The seal's key on a PKCS#11 token (a hardware security module; SoftHSM in the tests).

The session is opened and logged in once per process (the sealer is cached by
:mod:`townhall.documents.seal`) and the key and certificate looked up by label;
each failure becomes a :class:`SealerError` naming the setting to fix.
"""

import asyncio
from pathlib import Path

from townhall.documents.sealer_base import (
    SealConfig,
    Sealer,
    SealerError,
    certificates_read,
    one_certificate,
    outside_event_loop,
)


def pkcs11_sealer(config: SealConfig) -> Sealer:
    """The sealer of a key on a PKCS#11 token; raises :class:`SealerError`."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    if not Path(config.pkcs11_module).is_file():
        raise SealerError(
            f"TOWNHALL_SEAL_PKCS11_MODULE: {config.pkcs11_module} does not exist "
            "(the token vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so)."
        )
    for name in ("PKCS11_TOKEN", "PKCS11_KEY_LABEL", "PKCS11_PIN"):
        if not getattr(config, name.lower()):
            raise SealerError(f"TOWNHALL_SEAL_{name} is not set: the PKCS#11 seal needs it.")
    if not config.pkcs11_cert_label and not config.cert_file:
        raise SealerError(
            "Set TOWNHALL_SEAL_PKCS11_CERT_LABEL (the certificate on the token) "
            "or TOWNHALL_SEAL_CERT_FILE."
        )
    try:
        session = open_pkcs11_session(
            config.pkcs11_module,
            token_criteria=TokenCriteria(label=config.pkcs11_token),
            user_pin=config.pkcs11_pin,
        )
    except pkcs11.PinIncorrect:
        raise SealerError(
            f"The PKCS#11 token {config.pkcs11_token!r} refused TOWNHALL_SEAL_PKCS11_PIN."
        ) from None
    except Exception as error:  # pyHanko and the module raise many kinds
        raise SealerError(
            f"The PKCS#11 token {config.pkcs11_token!r} cannot be opened with "
            f"{config.pkcs11_module}: {str(error) or type(error).__name__}."
        ) from None
    certificate = one_certificate(config.cert_file) if config.cert_file else None
    chain = certificates_read(config.chain_file, "TOWNHALL_SEAL_CHAIN_FILE")
    signer = PKCS11Signer(
        session,
        key_label=config.pkcs11_key_label,
        cert_label=config.pkcs11_cert_label or None,
        signing_cert=certificate,
        ca_chain=chain,
        other_certs_to_pull=None,
    )
    try:
        outside_event_loop(asyncio.run, signer.ensure_objects_loaded())
    except Exception as error:
        session.close()
        raise SealerError(
            f"The PKCS#11 token {config.pkcs11_token!r} has no usable key "
            f"{config.pkcs11_key_label!r}"
            + (f" or certificate {config.pkcs11_cert_label!r}" if config.pkcs11_cert_label else "")
            + f": {str(error) or type(error).__name__}."
        ) from None
    return Sealer(
        signer=signer,
        certificate=signer.signing_cert,
        chain=chain,
        tsa_url=config.tsa_url,
        timeout=config.timeout,
        source="pkcs11",
        session=session,
    )

"""Trust lists and signer identity.

Modules, following the data flow:

* :mod:`~verify.trust.lists` - the known lists and the in-memory :class:`TrustList`;
* :mod:`~verify.trust.pem` - strict reading of PEM bundles and EKU lists;
* :mod:`~verify.trust.download`, :mod:`~verify.trust.update`,
  :mod:`~verify.trust.store` - `trust update`: fetch, validate, store atomically;
* :mod:`~verify.trust.config` - flags, environment, config file: which lists a check uses;
* :mod:`~verify.trust.anchors` - the lists parsed once per verifier (c2pa-rs settings,
  which list anchors a chain, allowed lists);
* :mod:`~verify.trust.policy` - the pure trust and revocation decisions;
* :mod:`~verify.trust.identity` - the report's `signer`;
* :mod:`~verify.trust.certfiles` - `check --certs DIR`;
* :mod:`~verify.trust.cli`, :mod:`~verify.trust.show` - the `trust` commands.

Kept free of imports so that :mod:`verify.report` can use the policy's enums.
"""

"""Build the bundled real-data sample WARC ``data/sample/sample.warc.gz``.

Usage::

    python data/build_sample.py [--shared ../shared/data] [--out data/sample] [--verify]

Everything in the WARC is real web data taken from the staged corpus in
``../shared/data`` (see its README.md / MANIFEST-webdata.md):

* ``postlight``   html/postlight-parser-ja/*.html          (28 ja news/tech pages + 1 zh), wrapped
* ``clueweb09ja`` warc/resiliparse/clueweb-quirk.warc.gz   (29 EUC-JP responses), copied
* ``chardet``     html/chardet-legacy-ja/*/*               (61 legacy-encoded ja feeds/pages), wrapped
* ``livedoor``    text/livedoor-news/*/*.txt               (570 articles, DERIVED html wrapping)
* ``trafilatura`` html/trafilatura-cache/*                 (55 smallest, mostly de/en/fr), wrapped
* ``readability`` html/mozilla-readability-testpages/*/source.html (2 ja, 4 zh, 10 other), wrapped
* ``trafilatura-cjk`` html/trafilatura-eval-cjk/*          (NHK ja, gaijinpot en/ja, 4 zh), wrapped
* ``cc-2020-34``  warc/resiliparse/warcfile.warc.gz        (16 request/response/metadata triples), copied
* ``vu-heritrix`` warc/vu-web-data/web_sample.warc.gz      (dns, non-HTML, 301/302/404), copied

"wrapped" = the file bytes are kept exactly and become the HTTP payload of a
reconstructed request/response pair (HTTP headers and most URLs are
reconstructed; see MANIFEST.md).  "copied" = the original WARC record blocks are
kept byte for byte.

The build is deterministic: fixed WARC-Date values, WARC-Record-IDs from uuid5
over the record content (copied records keep their original IDs), gzip mtime 0,
sorted inputs, a fixed seed for the livedoor sample, and a fixed record order
(groups sorted by a hash of the target URI).  Re-running on the same machine
gives a byte-identical file.

Besides the WARC the build writes ``records.tsv`` (one row per response),
``MANIFEST.md``, ``LICENSES.md`` and ``licenses/`` next to it.

Modules, in build order:

- ``sources``  / ``livedoor``: gather the real pages and records of each source into capture groups
- ``charset``: the charset labels the builder copies into reconstructed HTTP headers (decoding itself
  is ``pipeline.annotate.decode``)
- ``records``: WARC records, capture groups, reconstructed request/response pairs, digests
- ``warc``: writing the file (one gzip member per record) and ``--verify``
- ``manifest``: ``records.tsv``, ``MANIFEST.md``, ``LICENSES.md``, ``licenses/``
- ``build``: the whole build; ``cli``: the command line
"""

"""Every reason a WARC record does not become a row, in one enumerated list.

The funnel JSON counts records under exactly these names; tests and reports refer to them.
"""

from enum import Enum


class Drop(str, Enum):
    NON_RESPONSE = "non_response"  # warcinfo, request, metadata, revisit, ... records
    NOT_HTTP = "not_http"  # a response record without an HTTP message (dns:, ftp:)
    HTTP_STATUS = "http_status"  # anything but HTTP 200
    MIME = "mime"  # not an HTML-ish content type (images, css, js, pdf, ...)
    TOO_LARGE = "too_large"  # payload above max_record_bytes, or a decompression bomb
    TRUNCATED = "truncated"  # payload shorter than its Content-Length (clipped file)
    CONTENT_ENCODING = "content_encoding"  # a Content-Encoding we cannot undo
    EMPTY = "empty"  # no payload bytes
    NOT_JAPANESE_PRECHECK = "not_japanese_precheck"  # raw-bytes pre-check found no Japanese evidence
    DECODE_ERROR = "decode_error"  # no charset decodes the page
    EXTRACT_TIMEOUT = "extract_timeout"  # trafilatura ran past extract_timeout_s
    EXTRACT_ERROR = "extract_error"  # trafilatura raised
    NO_TEXT = "no_text"  # trafilatura found no main text
    TEXT_TOO_LONG = "text_too_long"  # extracted text above max_text_chars
    NOT_JAPANESE_LID = "not_japanese_lid"  # fastText: not ja, or ja below lid_min_score
    WARC_READ_ERROR = "warc_read_error"  # the WARC stream broke (corrupt gzip, garbage): rest of file lost


#: Content types worth extracting. Feeds count: many 2000s Japanese blogs are RSS/Atom only.
HTML_MIME_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }
)

#: Reasons that mean something was wrong with the input (logged with file + offset, kept in stats).
FAILURE_REASONS = frozenset(
    {Drop.TRUNCATED, Drop.DECODE_ERROR, Drop.EXTRACT_TIMEOUT, Drop.EXTRACT_ERROR, Drop.TOO_LARGE, Drop.CONTENT_ENCODING, Drop.WARC_READ_ERROR}
)

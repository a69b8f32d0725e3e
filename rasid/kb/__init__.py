"""Knowledge base for entity linking: a reproducible build (``rasid.kb.build``), the
shipped table (``rasid/resources/kb/kb.tsv.gz``), a fast alias matcher
(``rasid.kb.linker``), document-level linking with in-document coreference
(``rasid.kb.doclink``) and an evaluation against the gold entities (``rasid.kb.evaluate``).
"""

from rasid.kb.linker import KBEntry, Linker, get_linker

__all__ = ["KBEntry", "Linker", "get_linker"]

"""Text as search compares it: one form for letters that people write in more than one way.

An Arabic word is the same word with or without its short vowels, and with any form of alef;
Persian and Dari are typed on Arabic keyboards (ي ك) as often as Persian ones (ی ک), with or
without the zero-width non-joiner; Ukrainian has capitals that SQLite's LIKE does not fold.
Ideas keep their words in this form beside the words themselves (Idea.search_text), and
searches are put in the same form, so that one LIKE finds them on SQLite and PostgreSQL alike.
"""

import re
import unicodedata

# One letter for each group of letters that people type for one another.
_SAME_LETTER = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",  # alef maksura, written for final yeh in Egypt and elsewhere
        "ي": "ی",  # Arabic yeh, as Persian and Dari are often typed
        "ې": "ی",  # Pashto letters for yeh, written as plain yeh as often as not
        "ۍ": "ی",
        "ئ": "ی",
        "ك": "ک",  # Arabic kaf
        "ؤ": "و",
        "ة": "ه",  # teh marbuta, written as heh in Persian and often in chat
        "ۀ": "ه",
        "ە": "ه",  # Sorani ae
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
        "۰": "0",
        "۱": "1",
        "۲": "2",
        "۳": "3",
        "۴": "4",
        "۵": "5",
        "۶": "6",
        "۷": "7",
        "۸": "8",
        "۹": "9",
    }
)
# Joiners and marks that change how a word looks, not which word it is: the zero-width
# non-joiner and joiner, the tatweel that stretches a word, and the soft hyphen.
_INVISIBLE = re.compile("[\u200c\u200d\u0640\u00ad]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def searchable(text: str) -> str:
    """`text` in the form search compares: letter case folded, marks (short vowels, hamza,
    accents; not the marks of Cyrillic letters) left out, and letters written for one another
    made one."""
    kept, base = [], ""
    for char in _INVISIBLE.sub("", unicodedata.normalize("NFKD", text or "")):
        if not unicodedata.combining(char):
            kept.append(base := char)
        elif _CYRILLIC.match(base):
            # Й and Ї are letters of their own in Ukrainian, not И and І with a mark.
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).casefold().translate(_SAME_LETTER)

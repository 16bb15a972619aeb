"""WeChat listers: each one file, each a `Lister` (base.py). The spider tries them in this order;
a new lister is a new file and a line here."""

from .base import Lister
from .feeds import FeedLister
from .getmsg import GetmsgLister
from .mp_backend import MpBackendLister
from .url_list import UrlListLister
from .weread import WeReadLister

LISTERS: list[type[Lister]] = [MpBackendLister, GetmsgLister, WeReadLister, FeedLister, UrlListLister]

__all__ = ["LISTERS", "FeedLister", "GetmsgLister", "Lister", "MpBackendLister", "UrlListLister", "WeReadLister"]

"""disclo: government-information-disclosure statistics and annual-report drafts."""

__version__ = "0.1.0"

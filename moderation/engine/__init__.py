"""The pure analysis engine: normalise, segment, match, detect, classify, decide.

Imports no Flask, RQ, Redis or SQLAlchemy, so it runs the same in a worker, the CLI, a test and
a benchmark. Entry points::

    from moderation.engine import Engine, load_engine
    engine = load_engine()               # shipped lexicons, default classifier if present
    analysis = engine.analyze("...")     # moderation.engine.types.Analysis
"""

from moderation.engine.engine import Engine, load_engine
from moderation.engine.lexicon import Lexicon, LexiconError, load_lexicon
from moderation.engine.policy import Decision, Policy, decide

__all__ = [
    "Decision",
    "Engine",
    "Lexicon",
    "LexiconError",
    "Policy",
    "decide",
    "load_engine",
    "load_lexicon",
]

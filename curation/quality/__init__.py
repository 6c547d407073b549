"""Quality of annotations as plain data: agreement, adjudication, gold accuracy and routing.

Plain Python over plain data (no Django, no Celery): a worker reads the segmentations of a trace
into ``Annotation`` objects, calls the functions here and stores the counts they return.
Modules in the order of the flow:

- ``annotations``: ``Annotation``/``StepLabel`` (character spans over one field text) and the cuts;
- ``boundaries``: one-to-one matching of cuts within a tolerance (characters or tokens);
- ``units``: which steps match between annotators;
- ``coefficients``: Cohen's kappa and Krippendorff's alpha from additive count tables
  (``reference``: the same through scikit-learn and the ``krippendorff`` package);
- ``agreement``: ``trace_agreement``, one trace's counts and figures;
- ``tally``: figures per trace, pair, annotator, project and day or week;
- ``adjudication``: ``differences`` and ``resolve``;
- ``gold``: an annotator against gold;
- ``routing``: what happens to a trace next, and screening.
"""
from .adjudication import DROP, KEEP, BoundaryDifference, Differences, LabelDifference, Take, differences, resolve
from .agreement import PairAgreement, TraceAgreement, trace_agreement
from .annotations import Annotation, StepLabel, token_index
from .gold import GoldResult, gold_accuracy, pooled
from .routing import Route, RoutingSettings, Screening, ScreeningRules, route, screen
from .tally import Summary, Tally, over_time, per_annotator, per_pair, per_project, per_trace

__all__ = [
    "DROP", "KEEP", "Annotation", "BoundaryDifference", "Differences", "GoldResult",
    "LabelDifference", "PairAgreement", "Route", "RoutingSettings", "Screening", "ScreeningRules",
    "StepLabel", "Summary", "Take", "Tally", "TraceAgreement", "differences", "gold_accuracy",
    "over_time", "per_annotator", "per_pair", "per_project", "per_trace", "pooled", "resolve",
    "route", "screen", "token_index", "trace_agreement",
]

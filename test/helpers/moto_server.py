# moto_server for the tests: moto itself, with two changes. (2, below) moto refuses an EC2 container that sets
# only memoryReservation; ECS accepts it (aws-facts §2.2: "a container can grow past its reservation") and
# real task definitions do it (a sidecar with a soft limit), so the rule here is ECS's documented one.
# (1) Stock moto answers a GetMetricData MetricStat query
# by scanning every stored datapoint once per period (a day of one-minute data for two services takes
# seconds per call). Here each metric's datapoints are kept sorted by time, so a query looks only at its own
# metric and window. What a query returns is what moto returns: periods from StartTime in steps of Period,
# datapoints with StartTime <= timestamp < EndTime, matched by metric name and exact dimensions, statistics by
# moto's own Statistics class. Anything else (no dimensions, metric math, Insights) is moto's own code.
#   python3 test/helpers/moto_server.py -H 127.0.0.1 -p PORT
import bisect
import sys
from datetime import timedelta

from moto.cloudwatch import models

stock_get_metric_data = models.CloudWatchBackend.get_metric_data


def metric_index(backend):
    """{(name, dimensions): (timestamps, datapoints)}, rebuilt when datapoints were added."""
    size = (len(backend.metric_data), len(backend.aws_metric_data))
    cached = getattr(backend, "_sorted_metrics", None)
    if cached is not None and cached[0] == size:
        return cached[1]
    by_metric = {}
    for datum in backend.get_all_metrics():
        key = (datum.name, frozenset((d.name, d.value) for d in datum.dimensions))
        by_metric.setdefault(key, []).append(datum)
    index = {}
    for key, data in by_metric.items():
        data.sort(key=lambda d: d.timestamp)
        index[key] = ([d.timestamp for d in data], data)
    backend._sorted_metrics = (size, index)
    return index


def get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):
    simple = all("MetricStat" in q and q["MetricStat"]["Metric"].get("Dimensions") for q in queries)
    start = start_time.replace(microsecond=0)
    end = end_time.replace(microsecond=0)
    if not simple or start >= end:
        return stock_get_metric_data(self, queries, start_time, end_time, scan_by)
    index = metric_index(self)
    results = []
    for query in queries:
        stat_query = query["MetricStat"]
        metric = stat_query["Metric"]
        stat = stat_query["Stat"]
        period = int(stat_query["Period"])
        key = (metric["MetricName"], frozenset((d["Name"], d["Value"]) for d in metric["Dimensions"]))
        times, data = index.get(key, ([], []))
        window = data[bisect.bisect_left(times, start) : bisect.bisect_left(times, end)]
        if stat_query.get("Unit"):
            window = [d for d in window if d.unit == stat_query["Unit"]]
        buckets = {}
        for datum in window:
            buckets.setdefault(int((datum.timestamp - start).total_seconds()) // period, []).append(datum)
        values, timestamps = [], []
        for k in sorted(buckets):
            stats = models.Statistics([stat], start + timedelta(seconds=k * period))
            stats.metric_data = buckets[k]
            values.append(stats.get_statistics_for_type(stat))
            timestamps.append(stats.timestamp)
        if scan_by == "TimestampDescending":
            values.reverse()
            timestamps.reverse()
        if query.get("ReturnData", True):
            label = query.get("Label") or f"{metric['MetricName']} {stat}"
            results.append({"id": query["Id"], "label": label, "values": values, "timestamps": timestamps, "status_code": "Complete"})
    return results


models.CloudWatchBackend.get_metric_data = get_metric_data

from moto.ecs import exceptions as ecs_exceptions  # noqa: E402
from moto.ecs import models as ecs_models  # noqa: E402


def validate_container_defs(memory, container_definitions, requires_compatibilities):
    """ECS's rule: each container needs a name and an image, and without task-level memory, memory or
    memoryReservation (either; moto wants `memory` for EC2)."""
    for cd in container_definitions:
        if "name" not in cd and "Name" not in cd:
            raise ecs_exceptions.TaskDefinitionMissingPropertyError("name")
        if "image" not in cd and "Image" not in cd:
            raise ecs_exceptions.TaskDefinitionMissingPropertyError("image")
        if not memory and not any(k in cd for k in ("memory", "Memory", "memoryReservation", "MemoryReservation")):
            raise ecs_exceptions.TaskDefinitionMemoryError(cd["name"])


ecs_models.EC2ContainerServiceBackend._validate_container_defs = staticmethod(validate_container_defs)

# The server ends with the test process that started it, however that ends: vitest stops its workers with a
# signal, which runs no exit handler, and an orphaned moto would hold its memory and CPU until the machine
# stops (seen: one from every run). A thread checks the parent every half second.
import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

_parent = os.getppid()


def _watch_parent():
    while True:
        time.sleep(0.5)
        if os.getppid() != _parent:
            os._exit(0)


threading.Thread(target=_watch_parent, daemon=True).start()

from moto.server import main  # noqa: E402  (after the patch, so the server uses it)

sys.exit(main(sys.argv[1:]))

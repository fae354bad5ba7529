#!/usr/bin/env python3
"""A development broker for the benchmark: librdkafka's mock cluster with every topic the run needs.

`eddy broker` hosts the same mock cluster (the system librdkafka) but creates only one topic. The peer
needs more (Quix Streams' changelog and repartition topics, with as many partitions as the input), and
the mock has no CreateTopics handler while its auto-creation gives 4 partitions, so this script calls
`rd_kafka_mock_topic_create` through ctypes for each `--topic NAME:PARTITIONS`. It prints the bootstrap
address as its first line and runs until SIGTERM or SIGINT.

    python3 bench/mockbroker.py --topic user-login:64 --topic other:64
"""
import argparse
import ctypes
import signal

RD_KAFKA_PRODUCER = 0


def load_librdkafka():
    """The system librdkafka with the prototypes this script calls."""
    lib = ctypes.CDLL("librdkafka.so.1")
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                      ctypes.c_size_t]
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
    lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    return lib


def start_cluster(lib):
    """A producer handle owning a one-broker mock cluster, as eddy's MockCluster makes it."""
    errstr = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    lib.rd_kafka_conf_set(conf, b"log_level", b"3", errstr, len(errstr))
    owner = lib.rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, len(errstr))
    if not owner:
        raise SystemExit(f"rd_kafka_new: {errstr.value.decode()}")
    cluster = lib.rd_kafka_mock_cluster_new(owner, 1)
    if not cluster:
        raise SystemExit("cannot start the mock cluster")
    return owner, cluster


def parse_topic(spec):
    """`NAME:PARTITIONS` as (name, partitions)."""
    name, _, partitions = spec.rpartition(":")
    if not name or not partitions.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME:PARTITIONS, got {spec!r}")
    return name, int(partitions)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", type=parse_topic, action="append", default=[], help="NAME:PARTITIONS")
    args = parser.parse_args()

    lib = load_librdkafka()
    owner, cluster = start_cluster(lib)
    for name, partitions in args.topic:
        err = lib.rd_kafka_mock_topic_create(cluster, name.encode(), partitions, 1)
        if err != 0:
            raise SystemExit(f"creating topic {name}: librdkafka error {err}")
    print(lib.rd_kafka_mock_cluster_bootstraps(cluster).decode(), flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    lib.rd_kafka_mock_cluster_destroy(cluster)
    lib.rd_kafka_destroy(owner)


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()

// rdkafka_mock.h depends on declarations from rdkafka.h, so the order matters.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

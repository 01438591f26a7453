// librdkafka (apt-get install librdkafka-dev), with its mock cluster, and one helper for what Swift cannot call
// directly: rd_kafka_produceva takes a C union per argument.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Produces one record with an optional key and at most one header, to `partition` (RD_KAFKA_PARTITION_UA: chosen by
/// the key); `opaque` comes back in the delivery report.
static inline rd_kafka_error_t *tandem_kafka_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                     const void *key, size_t key_size,
                                                     const void *value, size_t value_size,
                                                     const char *header_name, const void *header_value, size_t header_size,
                                                     void *opaque) {
    rd_kafka_vu_t vus[7];
    size_t count = 0;
    vus[count].vtype = RD_KAFKA_VTYPE_TOPIC; vus[count++].u.cstr = topic;
    if (partition != RD_KAFKA_PARTITION_UA) { vus[count].vtype = RD_KAFKA_VTYPE_PARTITION; vus[count++].u.i32 = partition; }
    vus[count].vtype = RD_KAFKA_VTYPE_VALUE; vus[count].u.mem.ptr = (void *)value; vus[count++].u.mem.size = value_size;
    vus[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS; vus[count++].u.i = RD_KAFKA_MSG_F_COPY;
    vus[count].vtype = RD_KAFKA_VTYPE_OPAQUE; vus[count++].u.ptr = opaque;
    if (key) { vus[count].vtype = RD_KAFKA_VTYPE_KEY; vus[count].u.mem.ptr = (void *)key; vus[count++].u.mem.size = key_size; }
    if (header_name) {
        vus[count].vtype = RD_KAFKA_VTYPE_HEADER;
        vus[count].u.header.name = header_name; vus[count].u.header.val = header_value; vus[count++].u.header.size = (ssize_t)header_size;
    }
    return rd_kafka_produceva(rk, vus, count);
}

/// The per-message opaque of a delivery report.
static inline void *tandem_kafka_message_opaque(const rd_kafka_message_t *message) {
    return message->_private;
}

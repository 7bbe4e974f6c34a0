package org.imgpipe.spark;

import com.esotericsoftware.kryo.Kryo;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spark's Kryo registrator for this project ({@code spark.kryo.registrator} in conf/spark-defaults.conf):
 * ND4J's registrations, with its array serializer replaced by {@link BulkNdArraySerializer}. Every JVM
 * of a job must use the same registrator, as the two write different bytes; a session whose settings
 * name ND4J's own {@link Nd4jRegistrator} keeps ND4J's slower serializer everywhere, which also works.
 */
public final class BulkNdArrayKryoRegistrator extends Nd4jRegistrator {
    /**
     * Registers ND4J's classes, then ND4J's array class with {@link BulkNdArraySerializer} (same
     * registration id, new serializer).
     *
     * @param kryo the Kryo instance Spark is configuring
     * @throws RuntimeException when ND4J's native backend cannot be loaded in this JVM (ND4J's own error)
     */
    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new BulkNdArraySerializer());
    }
}

package org.imgpipe.spark;

import com.esotericsoftware.kryo.Kryo;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Spark's Kryo registrator for this project ({@code spark.kryo.registrator}): ND4J's registrations,
 * with its array serializer replaced by {@link NdArraySerializer}, which copies elements in bulk.
 * Every JVM of a job must use the same registrator, as the two write different bytes.
 */
public final class Nd4jKryoRegistrator extends Nd4jRegistrator {
    /**
     * @param kryo the Kryo instance Spark is configuring; ND4J's array class is registered on it with
     *             {@link NdArraySerializer}
     */
    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new NdArraySerializer());
    }
}

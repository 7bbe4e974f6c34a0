package org.imgpipe.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes prediction rows ({@link PredictionRows#values}) to Parquet with parquet-hadoop: strings as UTF-8
 * binary, the class index as int32, probabilities as float, and the scoring time as int64
 * {@code TIMESTAMP(MICROS, UTC)}, the types Spark reads back as string, int, float and timestamp.
 */
final class PredictionWriteSupport extends WriteSupport<Object[]> {
    private final List<PredictionRows.Column> columns;
    private final MessageType schema;
    private RecordConsumer out;

    /** @param rows the row layout; one Parquet column per layout column, in its order */
    PredictionWriteSupport(PredictionRows rows) {
        this.columns = rows.columns();
        this.schema = schema(columns);
    }

    /**
     * @param columns the layout's columns
     * @return the Parquet schema: a column that is not nullable is {@code required}
     */
    private static MessageType schema(List<PredictionRows.Column> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (PredictionRows.Column c : columns) {
            Repetition repetition = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            switch (c.type()) {
                case STRING -> b.primitive(PrimitiveTypeName.BINARY, repetition).as(LogicalTypeAnnotation.stringType())
                        .named(c.name());
                case INT -> b.primitive(PrimitiveTypeName.INT32, repetition).named(c.name());
                case FLOAT -> b.primitive(PrimitiveTypeName.FLOAT, repetition).named(c.name());
                case TIMESTAMP -> b.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(c.name());
            }
        }
        return b.named("prediction");
    }

    /**
     * @param file the Parquet file to create
     * @param rows the row layout
     * @param conf the Hadoop configuration parquet-hadoop reads its settings from
     * @return a writer of {@link PredictionRows#values} rows, Snappy-compressed as Spark writes Parquet; close it
     *     to finish the file
     * @throws IOException when the file cannot be created
     */
    static ParquetWriter<Object[]> writer(OutputFile file, PredictionRows rows, Configuration conf) throws IOException {
        Builder builder = new Builder(file, rows).withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY);
        // Paths and probabilities are all but unique: a dictionary only costs a hash lookup per value until
        // parquet-hadoop gives it up (5 % of a scoring task's Java time, Java Flight Recorder).
        for (PredictionRows.Column c : rows.columns()) {
            if (c.type() == PredictionRows.Type.FLOAT || c.name().equals(PredictionRows.PATH)) {
                builder.withDictionaryEncoding(c.name(), false);
            }
        }
        return builder.build();
    }

    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
        private final PredictionRows rows;

        private Builder(OutputFile file, PredictionRows rows) {
            super(file);
            this.rows = rows;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return new PredictionWriteSupport(rows);
        }
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    /**
     * @param row a row from {@link PredictionRows#values}
     * @throws IllegalArgumentException when a column that is not nullable has no value
     */
    @Override
    public void write(Object[] row) {
        out.startMessage();
        for (int i = 0; i < row.length; i++) {
            PredictionRows.Column c = columns.get(i);
            if (row[i] == null) {
                // parquet-hadoop does not check a record against its schema: a missing required value would
                // make a corrupt file instead of an error.
                if (!c.nullable()) {
                    throw new IllegalArgumentException("no value for the required column " + c.name());
                }
                continue;
            }
            out.startField(c.name(), i);
            switch (c.type()) {
                case STRING -> out.addBinary(Binary.fromString((String) row[i]));
                case INT -> out.addInteger((Integer) row[i]);
                case FLOAT -> out.addFloat((Float) row[i]);
                case TIMESTAMP -> {
                    Instant t = (Instant) row[i];
                    out.addLong(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
                }
            }
            out.endField(c.name(), i);
        }
        out.endMessage();
    }
}

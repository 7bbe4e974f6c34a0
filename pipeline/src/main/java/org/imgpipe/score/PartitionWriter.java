package org.imgpipe.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.imgpipe.data.FileResult;
import org.imgpipe.data.SkippedFile;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.io.DirectLocalFiles;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes one partition's predictions, in the same pass that scores them, as a Parquet and a CSV part
 * file named {@code <partition>-<task attempt id>} in the attempts folder, so that a retried or speculative
 * attempt never writes over another's files. The driver moves the files of the attempts whose results it
 * received into place ({@link PartitionCommitter}). Writing both formats here, instead of through two
 * DataFrame writes over cached results, took a second Spark job, the cache and Spark SQL's per-row
 * conversions out of scoring.
 */
final class PartitionWriter implements FlatMapFunction<Iterator<FileResult<float[]>>, PartitionFiles> {
    private final String attempts;
    private final PredictionRows rows;
    private final Broadcast<SerializableConfiguration> hadoop;

    /**
     * @param attempts the folder the attempts write their files in, as {@code Path.toString()}; it must exist
     * @param rows     the row layout
     * @param hadoop   the Hadoop configuration of {@code attempts}' file system, broadcast
     */
    PartitionWriter(String attempts, PredictionRows rows, Broadcast<SerializableConfiguration> hadoop) {
        this.attempts = attempts;
        this.rows = rows;
        this.hadoop = hadoop;
    }

    /**
     * @param results the partition's results, accepted and rejected
     * @return one {@link PartitionFiles}: the two files (written also when no file was accepted, so that
     *     readers always find the schema and the header) and the rejected files
     * @throws java.io.IOException when a file cannot be written, or exists already, or the attempts folder is
     *     gone (the driver has finished with the job)
     */
    @Override
    public Iterator<PartitionFiles> call(Iterator<FileResult<float[]>> results) throws Exception {
        TaskContext task = TaskContext.get();
        // The attempt's id is unique in the application, also across a stage's attempts.
        Path base = new Path(attempts, task.partitionId() + "-" + task.taskAttemptId());
        Path parquet = base.suffix(".parquet");
        Path csv = base.suffix(".csv");
        Configuration conf = hadoop.value().value();
        FileSystem fs = base.getFileSystem(conf);
        List<SkippedFile> rejected = new ArrayList<>();
        long written = 0;
        try (ParquetWriter<Object[]> parquetOut = PredictionWriteSupport.writer(new DirectOutputFile(fs, parquet),
                rows, conf);
             OutputStream csvFile = DirectLocalFiles.createNew(fs, csv);
             CsvFiles.RowWriter csvOut = CsvFiles.rowWriter(new BufferedWriter(new OutputStreamWriter(csvFile,
                     StandardCharsets.UTF_8), 1 << 16), rows.names())) {
            while (results.hasNext()) {
                FileResult<float[]> r = results.next();
                if (!r.ok()) {
                    rejected.add(new SkippedFile(r.path(), r.error()));
                    continue;
                }
                Object[] values = rows.values(r.path(), r.value());
                parquetOut.write(values);
                csvOut.write(rows.csvCells(values));
                written++;
            }
        }
        return List.of(new PartitionFiles(parquet.toString(), csv.toString(), written, rejected)).iterator();
    }
}

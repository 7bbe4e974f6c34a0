package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.AtomicFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-epoch history, rewritten as history.json and history.csv after every epoch. */
public final class TrainingHistory implements EpochListener {
    public static final String JSON_FILE = "history.json";
    public static final String CSV_HEADER = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds";

    private final Path dir;
    private final Configuration conf;
    private final List<EpochResult> epochs = new ArrayList<>();

    /**
     * @param dir the folder for history.json and history.csv, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code dir}'s file system
     */
    public TrainingHistory(Path dir, Configuration conf) {
        this.dir = dir;
        this.conf = conf;
    }

    @Override
    public void onEpochEnd(EpochResult r, TrainingControl control) throws IOException {
        epochs.add(r);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeString(new Path(dir, JSON_FILE), conf, json.writeValueAsString(epochs));
        AtomicFiles.writeString(new Path(dir, "history.csv"), conf, csv(epochs));
    }

    /** Takes over the epochs of a resumed run; the files are rewritten at the next epoch's end. */
    public void restore(List<EpochResult> completed) {
        epochs.clear();
        epochs.addAll(completed);
    }

    /** @return a copy of the epochs so far, oldest first */
    public List<EpochResult> epochs() {
        return List.copyOf(epochs);
    }

    static String csv(List<EpochResult> epochs) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochResult e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.2f%n", e.epoch(), e.loss(),
                    e.accuracy(), e.valLoss(), e.valAccuracy(), e.lr(), e.seconds()));
        }
        return sb.toString();
    }
}

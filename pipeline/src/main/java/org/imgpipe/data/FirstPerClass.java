package org.imgpipe.data;

import org.apache.spark.api.java.function.FlatMapFunction;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The first {@code perClass} examples of each class in one partition, in partition order; it stops
 * reading once every class has its share.
 */
final class FirstPerClass implements FlatMapFunction<Iterator<LabeledImage>, LabeledImage> {
    private final int numClasses;
    private final int perClass;

    FirstPerClass(int numClasses, int perClass) {
        this.numClasses = numClasses;
        this.perClass = perClass;
    }

    @Override
    public Iterator<LabeledImage> call(Iterator<LabeledImage> examples) {
        int[] taken = new int[numClasses];
        int missing = numClasses * perClass;
        List<LabeledImage> out = new ArrayList<>();
        while (missing > 0 && examples.hasNext()) {
            LabeledImage e = examples.next();
            if (taken[e.label()] < perClass) {
                taken[e.label()]++;
                missing--;
                out.add(e);
            }
        }
        return out.iterator();
    }
}

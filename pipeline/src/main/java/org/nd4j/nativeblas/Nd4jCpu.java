package org.nd4j.nativeblas;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Restores the class DL4J 1.0.0-M2's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up by name. The
 * real one moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and lost
 * {@code isUseMKLDNN()}, so the lookup fails, the error is swallowed and DL4J's oneDNN helpers for
 * convolution, batch normalization and pooling never run. This answers the same question from the
 * loaded libnd4j's build flags.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The shape DL4J reflects on: {@code Environment.getInstance().isUseMKLDNN()}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private volatile Boolean oneDnn;

        private Environment() {
        }

        /** @return the one instance */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * @return whether DL4J may use its oneDNN helpers: the loaded nd4j build has oneDNN and ND4J's helpers
         *     are allowed ({@code NativeRuntime} turns them off for the stock path)
         */
        public boolean isUseMKLDNN() {
            if (oneDnn == null) {
                Nd4j.getBackend();
                oneDnn = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
            }
            return oneDnn && Nd4j.getEnvironment().helpersAllowed();
        }
    }
}

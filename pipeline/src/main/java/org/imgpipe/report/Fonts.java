package org.imgpipe.report;

import org.imgpipe.base.UserError;

import java.awt.GraphicsEnvironment;

/**
 * The report draws text into its charts and grids, which needs at least one font that Java can
 * find through fontconfig. Checked before any work, so that a long job fails at start, not after
 * training.
 */
public final class Fonts {
    private Fonts() {
    }

    /** @throws UserError naming the packages to install when this JVM sees no font */
    public static void require() {
        String[] families;
        try {
            families = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames();
        } catch (RuntimeException | Error e) {
            // AWT reports a machine without fontconfig or fonts as an Error of its own (or an NPE).
            throw new UserError("the report cannot draw text: Java finds no fonts (" + e + "); install fontconfig "
                    + "and a font, e.g. apt-get install fontconfig fonts-dejavu-core", e);
        }
        if (families.length == 0) {
            throw new UserError("the report cannot draw text: Java finds no fonts; install fontconfig and a font, "
                    + "e.g. apt-get install fontconfig fonts-dejavu-core");
        }
    }
}

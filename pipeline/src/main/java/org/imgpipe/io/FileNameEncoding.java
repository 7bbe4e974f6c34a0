package org.imgpipe.io;

import org.imgpipe.base.UserError;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Java reads file names in the charset of the locale the JVM started with (sun.jnu.encoding), and no
 * option changes it later. Under a POSIX locale (LANG=C, usual in containers and cron) that is ASCII,
 * and a folder {@code chat_猫} or a file {@code hund_ünïcode.png} can no longer be named: it would
 * vanish from a listing. So a job refuses to start unless file names are read as UTF-8.
 */
public final class FileNameEncoding {
    /** The JVM property holding the charset of file names. */
    public static final String PROPERTY = "sun.jnu.encoding";

    private FileNameEncoding() {
    }

    /** @throws UserError naming the charset and the fix when this JVM reads file names other than as UTF-8 */
    public static void requireUtf8() {
        requireUtf8(System.getProperty(PROPERTY, ""));
    }

    /**
     * @param charset the name of the charset file names are read in
     * @throws UserError when it is not UTF-8 (or unknown)
     */
    static void requireUtf8(String charset) {
        boolean utf8;
        try {
            utf8 = Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            utf8 = false;
        }
        if (!utf8) {
            throw new UserError("this JVM reads file names as " + (charset.isEmpty() ? "an unknown charset" : charset)
                    + " (its locale is not UTF-8, e.g. LANG=C), so names such as chat_猫 would be lost: start the job "
                    + "with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the scripts in scripts/ set it)");
        }
    }
}

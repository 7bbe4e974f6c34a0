package org.imgpipe.io;

import org.imgpipe.base.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Jobs start only when file names are read as UTF-8 (a POSIX locale would lose non-ASCII names). */
class FileNameEncodingTest {
    @Test
    void utf8UnderAnySpellingPasses() {
        assertDoesNotThrow(() -> FileNameEncoding.requireUtf8("UTF-8"));
        assertDoesNotThrow(() -> FileNameEncoding.requireUtf8("utf8"));
    }

    @Test
    void thePosixLocalesAsciiStopsTheJobNamingTheFix() {
        UserError e = assertThrows(UserError.class, () -> FileNameEncoding.requireUtf8("ANSI_X3.4-1968"));
        assertEquals("this JVM reads file names as ANSI_X3.4-1968 (its locale is not UTF-8, e.g. LANG=C), so names "
                + "such as chat_猫 would be lost: start the job with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the scripts "
                + "in scripts/ set it)", e.getMessage());
        assertThrows(UserError.class, () -> FileNameEncoding.requireUtf8(""));
        assertThrows(UserError.class, () -> FileNameEncoding.requireUtf8("ISO-8859-1"));
    }
}

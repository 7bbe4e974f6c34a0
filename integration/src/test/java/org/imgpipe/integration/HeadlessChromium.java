package org.imgpipe.integration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * Debian's headless Chromium driven through chromedriver by Selenium: opens a local page and reports
 * what a person would see wrong with it. Without chromium the calling test is skipped, except under
 * CI ({@code CI=true}), where {@code .ci/run} installs it and its absence is a failure.
 */
final class HeadlessChromium implements AutoCloseable {
    static final String BROWSER = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private final ChromeDriver driver;

    /**
     * What the browser saw on one page.
     *
     * @param headings      the texts of the page's h2 headings, in order
     * @param images        how many img elements the page has
     * @param brokenImages  the alt texts of images that did not load (natural width 0)
     * @param consoleErrors console messages of level SEVERE (failed loads, script errors), each cut to
     *                      its last 160 characters (a failed data: URI repeats the whole image)
     */
    record Page(List<String> headings, int images, List<String> brokenImages, List<String> consoleErrors) {
    }

    HeadlessChromium() {
        boolean present = new File(BROWSER).canExecute() && new File(DRIVER).canExecute();
        if (!present && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort(BROWSER + " and " + DRIVER + " are not installed (apt-get install chromium "
                    + "chromium-driver; .ci/run does)");
        }
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** Opens the page, waits for its load event (images included) and inspects it. */
    Page open(Path html) {
        driver.get(html.toUri().toString());
        List<String> headings = driver.findElements(By.tagName("h2")).stream().map(WebElement::getText).toList();
        @SuppressWarnings("unchecked")
        List<String> broken = (List<String>) driver.executeScript("return Array.from(document.images)"
                + ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt)");
        int images = driver.findElements(By.tagName("img")).size();
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage)
                .map(m -> m.length() > 160 ? "..." + m.substring(m.length() - 160) : m).toList();
        return new Page(headings, images, broken, errors);
    }

    /** Saves the whole page, beyond the window's height, as a PNG (Chrome DevTools' captureScreenshot). */
    void screenshot(Path png) throws IOException {
        Map<String, Object> layout = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Number> size = (Map<String, Number>) layout.get("cssContentSize");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", size.get("width"),
                        "height", size.get("height"), "scale", 1)));
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}

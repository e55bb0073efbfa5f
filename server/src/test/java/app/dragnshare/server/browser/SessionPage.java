package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page as a person uses it, through one {@link Browser}: share files, open an invite, download. */
final class SessionPage {
    private static final Duration UI_WAIT = Duration.ofSeconds(20);

    private final Browser browser;

    private SessionPage(Browser browser) {
        this.browser = browser;
    }

    /** Opens the start page and picks the files, which creates a session that shares them. */
    static SessionPage share(Browser browser, URI server, Path... files) {
        browser.open(server.resolve("/"));
        SessionPage page = new SessionPage(browser);
        page.waitUntil("the start page", () -> browser.driver().findElement(By.id("start-view")).isDisplayed());
        page.pick(files);
        page.waitForFiles(files.length);
        return page;
    }

    /** Opens an invite link as someone who was sent it, and waits until the session shows. */
    static SessionPage join(Browser browser, String link) {
        return join(browser, link, true);
    }

    /** Opens a link; without {@code expectSession}, for links that are meant to fail. */
    static SessionPage join(Browser browser, String link, boolean expectSession) {
        browser.open(URI.create(link));
        SessionPage page = new SessionPage(browser);
        if (expectSession) {
            page.waitUntil("the session to open", () -> browser.driver().findElement(By.id("room-view")).isDisplayed());
        }
        return page;
    }

    Browser browser() {
        return browser;
    }

    /** Opens the start page and picks a folder with "Choose folder", which shares every file below it. */
    static SessionPage shareFolder(Browser browser, URI server, Path folder, int files) {
        browser.open(server.resolve("/"));
        SessionPage page = new SessionPage(browser);
        page.waitUntil("the start page", () -> browser.driver().findElement(By.id("start-view")).isDisplayed());
        browser.driver().findElement(By.id("folder-input")).sendKeys(folder.toAbsolutePath().toString());
        page.waitUntil(files + " files listed", () -> page.pageText().contains(files + " files ·"));
        return page;
    }

    /** Opens (or closes) the folder row at {@code path} in the file list. */
    void toggleFolder(String path) {
        By selector = By.xpath("//li[@data-folder=" + quote(path) + "]/div[@class='folder-head']//button[@aria-controls]");
        waitUntil("the folder " + path, () -> !browser.driver().findElements(selector).isEmpty());
        browser.driver().findElement(selector).click();
    }

    void pick(Path... files) {
        String paths = Arrays.stream(files).map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining("\n"));
        browser.driver().findElement(By.id("file-input")).sendKeys(paths);
    }

    String inviteLink() {
        waitUntil("the invite link", () -> !field("invite-link").isEmpty());
        return field("invite-link");
    }

    String field(String id) {
        return browser.driver().findElement(By.id(id)).getDomProperty("value");
    }

    /** Waits until the list shows {@code count} files whose owners are online (or our own). */
    void waitForFiles(int count) {
        waitUntil(count + " files listed", () -> {
            List<WebElement> rows = browser.driver().findElements(By.cssSelector("#file-list .file"));
            return rows.size() == count && rows.stream().allMatch(r -> r.findElements(By.cssSelector(".dot.online")).size() == 1);
        });
    }

    void downloadAll() {
        WebElement button = browser.driver().findElement(By.id("download-all"));
        waitUntil("Download all to be enabled", button::isEnabled);
        button.click();
    }

    /**
     * Clicks a file's Download button. Starting a download redraws the list (the button says
     * "Downloading…"), so a button found a moment earlier may be gone: it is found again then.
     */
    void download(String name) {
        waitUntil("to click Download " + name, () -> {
            button("Download " + name).click();
            return true;
        });
    }

    /** A button by its accessible name: its aria-label, else its text. */
    WebElement button(String label) {
        By selector = By.xpath("//button[@aria-label=" + quote(label) + " or (not(@aria-label) and normalize-space(.)="
                + quote(label) + ")]");
        waitUntil("the button '" + label + "'", () -> !browser.driver().findElements(selector).isEmpty());
        return browser.driver().findElement(selector);
    }

    private static String quote(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }

    /** The text of the transfer rows, top (newest) first. */
    String transfersText() {
        return browser.driver().findElement(By.id("transfer-list")).getText();
    }

    /** The newest transfer row's progress bar, unrounded (0–100), or -1 while there is none. */
    double transferPercent() {
        Object value = browser.driver().executeScript(
                "const bar = document.querySelector('#transfer-list .transfer progress'); return bar ? bar.value : -1;");
        return ((Number) value).doubleValue();
    }

    /** The newest transfer row's message, and whether it is a live region (role=status) a screen reader reads out. */
    String transferMessage() {
        WebElement message = browser.driver().findElement(By.cssSelector("#transfer-list .transfer .transfer-message"));
        assertEquals("status", message.getDomAttribute("role"), "the row's message is a live region");
        return message.getText();
    }

    /** Makes this page's downloads give up after {@code millis} without the sharer, not 2 minutes (receive.js). */
    void shortenResumeGrace(long millis) {
        browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "import('/js/receive.js').then(m => { m.resumeGrace.ms = " + millis + "; done(); });");
    }

    String pageText() {
        return browser.driver().findElement(By.tagName("body")).getText();
    }

    void waitForText(String text, Duration timeout) {
        waitUntil("the page to say \"" + text + "\"", timeout, () -> pageText().contains(text));
    }

    /** Waits until the browser finished saving {@code name} with {@code size} bytes and returns it. */
    Path awaitDownload(String name, long size, Duration timeout) {
        Path file = browser.downloads().resolve(name);
        waitUntil(name + " (" + size + " bytes) in " + browser.downloads() + "; page says: " + transfersTextQuietly(), timeout,
                () -> Files.exists(file) && sizeOf(file) == size && partialDownloads().isEmpty());
        return file;
    }

    /** Waits until the browser finished saving the zip {@code name} and the page says its download is done. */
    Path awaitZip(String name, Duration timeout) {
        Path file = browser.downloads().resolve(name);
        waitUntil(name + " in " + browser.downloads() + "; page says: " + transfersTextQuietly(), timeout,
                () -> Files.exists(file) && partialDownloads().isEmpty()
                        && !browser.driver().findElements(By.cssSelector(".transfer.done")).isEmpty()
                        && browser.driver().findElements(By.cssSelector(".transfer.receiving, .transfer.queued")).isEmpty());
        return file;
    }

    /** Files the browser is still writing (Chrome's .crdownload). */
    List<String> partialDownloads() {
        try (var listing = Files.list(browser.downloads())) {
            return listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crdownload")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    List<String> downloadedNames() {
        try (var listing = Files.list(browser.downloads())) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    void assertNoErrors() {
        List<WebElement> alerts = browser.driver().findElements(By.cssSelector(".toast.error"));
        assertEquals(List.of(), alerts.stream().map(WebElement::getText).toList(), "error notices on the page");
    }

    private String transfersTextQuietly() {
        try {
            return transfersText().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        waitUntil(what, UI_WAIT, condition);
    }

    void waitUntil(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(browser.driver(), timeout, Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(driver -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            fail("waited " + timeout.toSeconds() + " s for " + what + "; the page shows:\n" + pageText());
        }
    }
}

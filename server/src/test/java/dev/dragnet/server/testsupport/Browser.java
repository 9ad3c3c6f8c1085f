package dev.dragnet.server.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium for page tests: Debian's {@code chromium} driven through its {@code chromium-driver}, found
 * on this machine (never downloaded). Without them the test is skipped, except on CI ({@code CI} set), where
 * {@code .ci/run} installs them and their absence fails the test. Screenshots go to
 * {@code target/screenshots}.
 */
public final class Browser implements AutoCloseable {

	private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
			"/usr/bin/google-chrome");

	private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

	private final ChromeDriver driver;

	private final Path screenshots = Path.of("target", "screenshots");

	private Browser(ChromeDriver driver) {
		this.driver = driver;
	}

	/** Starts a headless browser, or skips the test (fails it on CI) when this machine has none. */
	public static Browser start() {
		Optional<Path> browser = find("dragnet.test.chromium", BROWSERS);
		Optional<Path> driver = find("dragnet.test.chromedriver", DRIVERS);
		if (browser.isEmpty() || driver.isEmpty()) {
			String missing = "no Chromium and chromedriver here (apt-get install chromium chromium-driver)";
			if (System.getenv("CI") != null) {
				fail(missing + "; .ci/run should have installed them");
			}
			assumeTrue(false, missing);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(browser.get().toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1400,1000", "--no-first-run", "--disable-extensions");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
			.usingAnyFreePort()
			.build();
		return new Browser(new ChromeDriver(service, options));
	}

	private static Optional<Path> find(String property, List<String> candidates) {
		String configured = System.getProperty(property);
		if (configured != null) {
			return Optional.of(Path.of(configured)).filter(Files::isExecutable);
		}
		return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
	}

	public WebDriver driver() {
		return this.driver;
	}

	public void open(String url) {
		this.driver.get(url);
	}

	public WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	public List<WebElement> findAll(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	/** Waits up to {@code timeout} for {@code condition} to give something other than null or false. */
	public <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
		return new WebDriverWait(this.driver, timeout, Duration.ofMillis(100)).withMessage(what).until(condition);
	}

	/**
	 * The text of the first element matching {@code css}, or null when there is none. Read in one step in the page,
	 * so an element the page re-renders meanwhile cannot go stale under the test.
	 */
	public String text(String css) {
		return (String) this.driver.executeScript(
				"const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
	}

	/** How many elements match {@code css} now; read in one step. */
	public long count(String css) {
		return (Long) this.driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css);
	}

	/** The attribute of the first element matching {@code css}, or null when there is none; read in one step. */
	public String attribute(String css, String name) {
		return (String) this.driver.executeScript(
				"const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css,
				name);
	}

	/** Saves the page as {@code target/screenshots/<name>.png}. */
	public void screenshot(String name) {
		try {
			Files.createDirectories(this.screenshots);
			Files.write(this.screenshots.resolve(name + ".png"), this.driver.getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
	}
}

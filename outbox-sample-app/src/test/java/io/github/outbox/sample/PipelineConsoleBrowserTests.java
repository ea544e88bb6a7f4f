package io.github.outbox.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pipeline console in a real, headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): the page draws the pipeline from live figures, firing "Kafka
 * unavailable" turns the Kafka stage red and then green, and the verdict finds nothing lost
 * and the redelivered events skipped by the inbox. Skipped where no Chromium is installed,
 * unless {@code OUTBOX_BROWSER_TESTS=required} (set by {@code .ci/run}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@Import(PostgresContainerWhenDockerIsAvailable.class)
class PipelineConsoleBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static WebDriver browser;

	@LocalServerPort
	private int port;

	@Autowired
	private RestTestClient http;

	@BeforeAll
	static void startBrowser() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if ("required".equals(System.getenv("OUTBOX_BROWSER_TESTS"))) {
			assertThat(installed).as("Chromium and its driver (apt-get install chromium chromium-driver)").isTrue();
		}
		assumeTrue(installed, "No Chromium here: apt-get install chromium chromium-driver to run the console's browser test");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=1400,1300");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	void kafkaOutageTurnsTheKafkaStageRedThenGreenAndTheVerdictFindsNothingLost() throws IOException {
		browser.get("http://localhost:" + this.port + "/actuator/outboxconsole");
		List.of("service", "table", "slot", "relay", "kafka", "inbox")
			.forEach((stage) -> assertThat(browser.findElement(By.id("stage-" + stage)).isDisplayed()).isTrue());
		// The first start of the relay, its slot and the consumers take a while.
		await(Duration.ofSeconds(90)).until(ExpectedConditions.attributeToBe(By.id("stage-relay"), "data-status", "ok"));
		await(Duration.ofSeconds(30)).until(ExpectedConditions.attributeToBe(By.id("stage-kafka"), "data-status", "ok"));
		await(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("lab")));
		try {
			browser.findElement(By.id("lab-start")).click();
			await(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("verdict-headline")));

			WebElement seconds = browser.findElement(By.id("fault-kafka-outage-seconds"));
			seconds.clear();
			seconds.sendKeys("10");
			browser.findElement(By.id("fault-kafka-outage")).click();
			await(Duration.ofSeconds(15)).until(ExpectedConditions.attributeToBe(By.id("stage-kafka"), "data-status", "down"));
			await(Duration.ofSeconds(90)).until(ExpectedConditions.attributeToBe(By.id("stage-kafka"), "data-status", "ok"));
			await(Duration.ofSeconds(90)).until(ExpectedConditions
				.presenceOfElementLocated(By.cssSelector("tr[data-fault='kafka-outage'] td.absorbed")));
			assertThat(browser.findElement(By.cssSelector("tr[data-fault='kafka-outage'] td")).getText())
				.startsWith("Kafka unavailable for 10 s");

			browser.findElement(By.id("fault-redeliver")).click();
			await(Duration.ofSeconds(90)).until(ExpectedConditions
				.presenceOfElementLocated(By.cssSelector("tr[data-fault='redeliver'] td.absorbed")));
			await(Duration.ofSeconds(60)).until(ExpectedConditions.attributeContains(By.id("verdict-headline"), "class", "passed"));
			await(Duration.ofSeconds(30)).until((page) -> count("duplicates skipped by the inbox") > 0);
			assertThat(count("lost")).isZero();
			assertThat(count("applied twice")).isZero();
			assertThat(count("out of order")).isZero();
			assertThat(count("committed")).isPositive();
			assertThat(count("delivered to Kafka")).isPositive();
			File screenshot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
			Files.copy(screenshot.toPath(), Path.of("target/pipeline-console.png"), StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			this.http.post()
				.uri("/actuator/outboxlab/experiment/stop")
				.contentType(MediaType.APPLICATION_JSON)
				.body("{}")
				.exchange()
				.expectStatus()
				.isOk();
		}
	}

	// The verdict's table is drawn again every 2 s: read a cell in one go, again if it was replaced.
	private static long count(String row) {
		return await(Duration.ofSeconds(10)).until((browser) -> {
			WebElement cell = browser.findElement(By.cssSelector("tr[data-count='" + row + "'] td"));
			return Long.parseLong(cell.getText().replace(",", ""));
		});
	}

	private static WebDriverWait await(Duration timeout) {
		WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(200));
		wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
		return wait;
	}

}

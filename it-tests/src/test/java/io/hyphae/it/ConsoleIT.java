package io.hyphae.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console of {@code hyphae run --http} in a real browser (Debian's headless chromium, driven through its
 * chromedriver): every stage drawn, rates rising while events flow, a poison record counted as a dead letter. Skipped,
 * with a message, where chromium is not installed. Writes a screenshot to {@code target/console/console.png}.
 */
@ExtendWith(RealKafkaExtension.class)
class ConsoleIT {

    private static final Pattern SERVING = Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+)/metrics");
    static final Path SCREENSHOT = Path.of("target", "console", "console.png");

    private static Optional<Path> executable(String env, String... candidates) {
        String configured = System.getenv(env);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return Optional.of(Path.of(c));
            }
        }
        return Optional.empty();
    }

    @Test
    void theConsoleShowsEveryStageRisingRatesAndDeadLetters(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        Optional<Path> chromium = executable("HYPHAE_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<Path> chromedriver = executable("HYPHAE_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
                "chromium and chromedriver are not installed (apt-get install chromium chromium-driver): the console's browser test is skipped");

        String name = Kafka.unique("console");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".requests", 1);
        kafka.createTopic(name + ".rates", 1);
        kafka.send(name + ".rates", "north", "{\"factor\": 2}");
        Path routeFile = dir.resolve(name + ".yaml");
        Files.writeString(routeFile, """
                application: %1$s
                tables:
                  rates: { topic: %1$s.rates }
                routes:
                  quotes:
                    from: %1$s.requests
                    stages:
                      - checked: { validate: { required: [id, zone] } }
                      - rated: { enrich: { table: rates, key: "value.zone", as: rate } }
                      - routed:
                          route:
                            - when: "value.amount >= 100"
                              to: %1$s.big
                            - otherwise: %1$s.small
                """.formatted(name));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile()).usingAnyFreePort().build();

        AtomicBoolean producing = new AtomicBoolean(true);
        try (AppProcess app = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "app", List.of("--http", "0"))) {
            String base = await().atMost(Duration.ofSeconds(60)).until(() -> {
                Matcher m = SERVING.matcher(app.output());
                return m.find() ? m.group(1) : null;
            }, b -> b != null);
            await().atMost(Duration.ofSeconds(90)).until(() -> app.output().contains("-> RUNNING"));

            WebDriver browser = new ChromeDriver(service, options);
            Thread producer = null;
            try {
                browser.get(base + "/");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> d.findElements(By.cssSelector(".stage")).size() == 3);
                for (String stage : List.of("checked", "rated", "routed")) {
                    WebElement node = browser.findElement(By.cssSelector(".stage[data-stage='quotes." + stage + "']"));
                    assertThat(node.getText()).contains(stage).contains(name + ".quotes." + stage);
                }
                assertThat(browser.findElement(By.cssSelector(".stage[data-stage='quotes.rated'] .type")).getText()).isEqualTo("enrich");
                assertThat(browser.findElement(By.cssSelector(".table[data-table='rates']")).getText()).contains(name + ".rates");
                assertThat(browser.findElements(By.cssSelector(".destination")).stream().map(WebElement::getText))
                        .containsExactly(name + ".big", name + ".small");
                assertThat(browser.findElement(By.cssSelector(".topic.input")).getText()).isEqualTo(name + ".requests");
                wait.until(d -> d.findElement(By.id("state")).getText().equals("RUNNING"));

                // Events flow: the first stage's rate rises above 0 and its count follows.
                producer = new Thread(() -> {
                    try (KafkaProducer<String, String> p = kafka.producer()) {
                        for (int i = 0; producing.get(); i++) {
                            p.send(new ProducerRecord<>(name + ".requests", "k" + i,
                                    "{\"id\": \"" + i + "\", \"zone\": \"north\", \"amount\": " + (i % 200) + "}"));
                            Thread.sleep(20);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "console-producer");
                producer.start();
                wait.until(d -> rate(d, "quotes.checked") > 0 && rate(d, "quotes.routed") > 0);
                assertThat(Long.parseLong(browser.findElement(By.cssSelector(".stage[data-stage='quotes.checked'] .in")).getText())).isPositive();

                // A poison record: counted on the route's dead letters and at the stage that refused it.
                kafka.send(name + ".requests", "poison", "{\"zone\": \"north\", \"amount\": 1}");
                wait.until(d -> d.findElement(By.cssSelector(".dlq[data-route='quotes'] .count")).getText().equals("1"));
                assertThat(browser.findElement(By.cssSelector(".stage[data-stage='quotes.checked'] .dead")).getText()).isEqualTo("1");
                // ... and listed with its reason.
                wait.until(d -> !d.findElements(By.cssSelector("table.dead-letters[data-route='quotes'] tbody tr")).isEmpty());
                WebElement letter = browser.findElement(By.cssSelector("table.dead-letters[data-route='quotes'] tbody tr"));
                assertThat(letter.findElement(By.cssSelector("td.reason")).getText()).contains("id");
                assertThat(letter.getText()).contains("poison").contains("quotes.checked").contains("{\"zone\": \"north\", \"amount\": 1}");

                // Consumer lag per input partition, each partition once.
                wait.until(d -> !d.findElements(By.cssSelector("#lag tr")).isEmpty());
                assertThat(browser.findElements(By.cssSelector("#lag tr td:first-child")).stream().map(WebElement::getText))
                        .containsExactlyInAnyOrder(name + ".rates", name + ".requests");

                Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
                Files.createDirectories(SCREENSHOT.getParent());
                Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("console screenshot: " + SCREENSHOT.toAbsolutePath());
                assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
            } finally {
                producing.set(false);
                if (producer != null) {
                    producer.join(10_000);
                }
                browser.quit();
            }
        }
    }

    private static double rate(WebDriver browser, String stage) {
        String value = browser.findElement(By.cssSelector(".stage[data-stage='" + stage + "'] .rate")).getAttribute("data-rate");
        return value == null ? 0 : Double.parseDouble(value);
    }
}

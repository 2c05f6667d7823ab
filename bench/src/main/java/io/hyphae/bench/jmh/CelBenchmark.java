package io.hyphae.bench.jmh;

import io.hyphae.cel.CelEngine;
import io.hyphae.cel.CompiledExpression;
import io.hyphae.cel.ResultKind;
import io.hyphae.format.Formats;
import io.hyphae.route.Expression;
import io.hyphae.route.Location;
import io.hyphae.event.Event;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CEL evaluation of the benchmark route's six expressions (two validate rules, the enrich key, two transform
 * fields, the router condition) on one priced insurance event: Hyphae's engine with its fast path against
 * the CEL interpreter alone, in the same run.
 */
public class CelBenchmark extends HotPathBenchmark {

    /** The expressions of {@code BenchmarkRunner.hyphaeRoute}, in route order. */
    static final List<String> EXPRESSIONS = List.of(
            "size(value.customerId) > 0",
            "value.currentPremium > 0.0",
            "value.newAddress.postalCode",
            "geo.accidentsPer1000 > 20.0 ? 'HIGH' : 'LOW'",
            "value.currentPremium * (geo.accidentsPer1000 > 20.0 ? 1.25 : 1.0)",
            "value.riskBand == 'HIGH'");

    @Param({"hyphae", "interpreter"})
    public String engine;

    private CompiledExpression[] compiled;
    private Event event;

    @Setup
    public void setUp() {
        CelEngine cel = engine.equals("hyphae") ? new CelEngine() : CelEngine.interpreterOnly();
        compiled = EXPRESSIONS.stream().map(text -> {
            CelEngine.Result result = cel.compile(new Expression(text, new Location("bench", 1, 1), "bench"), Set.of("geo"), ResultKind.ANY);
            if (!result.ok()) {
                throw new IllegalStateException(text + ": " + result.issues());
            }
            return result.expression();
        }).toArray(CompiledExpression[]::new);
        Map<String, Object> value = Formats.json().decode("in", Events.PRICED_JSON.getBytes(StandardCharsets.UTF_8));
        event = new Event("in", null, null, "C-1001", value, new RecordHeaders());
    }

    @Benchmark
    @OperationsPerInvocation(6)
    public void evaluateRouteExpressions(Blackhole sink) {
        for (CompiledExpression e : compiled) {
            sink.consume(e.evaluate(event));
        }
    }
}

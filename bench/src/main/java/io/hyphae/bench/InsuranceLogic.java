package io.hyphae.bench;

import io.hyphae.format.Values;

import java.util.Map;

/** The job's logic as a developer writes it by hand (plain Java over the decoded maps), for the non-Hyphae systems. */
final class InsuranceLogic {

    private InsuranceLogic() {
    }

    static boolean valid(Map<String, Object> value) {
        Object customer = value.get("customerId");
        Object premium = value.get("currentPremium");
        return customer instanceof String s && !s.isEmpty() && postalCode(value) != null
                && premium instanceof Number n && n.doubleValue() > 0;
    }

    static String postalCode(Map<String, Object> value) {
        Object address = value.get("newAddress");
        if (address instanceof Map<?, ?> a && a.get("postalCode") instanceof String code) {
            return code;
        }
        return null;
    }

    static Map<String, Object> enrich(Map<String, Object> value, Map<String, Object> geo) {
        Map<String, Object> out = Values.copyOf(value);
        out.put("geo", geo);
        return out;
    }

    static Map<String, Object> price(Map<String, Object> enriched) {
        Map<String, Object> out = Values.copyOf(enriched);
        double accidents = ((Number) ((Map<?, ?>) enriched.get("geo")).get("accidentsPer1000")).doubleValue();
        boolean high = accidents > 20;
        out.put("riskBand", high ? "HIGH" : "LOW");
        out.put("newPremium", ((Number) enriched.get("currentPremium")).doubleValue() * (high ? 1.25 : 1.0));
        return out;
    }

    static boolean high(Map<String, Object> priced) {
        return "HIGH".equals(priced.get("riskBand"));
    }
}

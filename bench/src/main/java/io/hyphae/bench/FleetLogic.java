package io.hyphae.bench;

import io.hyphae.format.Values;

import java.util.List;
import java.util.Map;

/** The fleet job's stateless stages as a developer writes them by hand (plain Java over the decoded maps). */
final class FleetLogic {

    private static final List<String> REQUIRED = List.of("eventId", "droneId", "flightId", "seq", "altitudeM", "batteryPct");

    private FleetLogic() {
    }

    /** The eventId: what the dedupe remembers. */
    static String eventId(Map<String, Object> value) {
        return value.get("eventId") instanceof String s ? s : null;
    }

    /** The resequence group: the drone's flight. */
    static String group(Map<String, Object> value) {
        return value.get("droneId") + "/" + value.get("flightId");
    }

    static long seq(Map<String, Object> value) {
        return ((Number) value.get("seq")).longValue();
    }

    static boolean valid(Map<String, Object> value) {
        if (!REQUIRED.stream().allMatch(value::containsKey)) {
            return false;
        }
        if (!(value.get("position") instanceof Map<?, ?> position && position.get("lat") != null && position.get("lon") != null)) {
            return false;
        }
        return value.get("batteryPct") instanceof Number battery && battery.doubleValue() >= 0 && battery.doubleValue() <= 100;
    }

    static String droneId(Map<String, Object> value) {
        return value.get("droneId") instanceof String s ? s : null;
    }

    /** The reading with the altitude margin, the low-battery flag and the unit, from the drone's registry row (then removed). */
    static Map<String, Object> assess(Map<String, Object> value, Map<String, Object> drone) {
        Map<String, Object> out = Values.copyOf(value);
        out.remove("drone");
        out.put("altitudeMarginM", number(value, "altitudeM") - number(drone, "minAltitudeM"));
        out.put("lowBattery", number(value, "batteryPct") < number(drone, "reserveBatteryPct"));
        out.put("unit", drone.get("unit"));
        return out;
    }

    static boolean alert(Map<String, Object> assessed) {
        return Boolean.TRUE.equals(assessed.get("lowBattery")) || ((Number) assessed.get("altitudeMarginM")).longValue() < 0;
    }

    private static long number(Map<String, Object> map, String field) {
        return ((Number) map.get(field)).longValue();
    }
}

package io.hyphae.route;

import java.util.Locale;

/**
 * How a reference table is materialized.
 * <ul>
 *   <li>{@code global} (default): a GlobalKTable; every instance holds the whole table, events need no
 *       repartitioning and may join on any field. Fits reference data that fits on each instance.</li>
 *   <li>{@code partitioned}: a KTable; each instance holds only its partitions of the table, so events are
 *       first repartitioned by the join key through a topic with the table's partition count.
 *       Fits tables too large to copy to every instance.</li>
 * </ul>
 */
public enum TableMode {
    GLOBAL, PARTITIONED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

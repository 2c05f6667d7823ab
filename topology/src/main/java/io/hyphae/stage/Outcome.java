package io.hyphae.stage;

/**
 * What a stage decided for one event. Constants and per-branch instances are shared, so the
 * usual outcomes allocate nothing.
 */
public final class Outcome {

    public enum Kind { CONTINUE, DROP, DEAD_LETTER, BRANCH, HANDLED }

    public static final Outcome CONTINUE = new Outcome(Kind.CONTINUE, null, -1);
    public static final Outcome DROP = new Outcome(Kind.DROP, null, -1);
    /**
     * The stage saw to the event itself through its {@link StageRuntime}: it emitted what replaces it (now or later,
     * from a store), or counted why not. Nothing else happens to it.
     */
    public static final Outcome HANDLED = new Outcome(Kind.HANDLED, null, -1);

    private static final Outcome[] BRANCHES = new Outcome[64];

    static {
        for (int i = 0; i < BRANCHES.length; i++) {
            BRANCHES[i] = new Outcome(Kind.BRANCH, null, i);
        }
    }

    private final Kind kind;
    private final String reason;
    private final int branch;

    private Outcome(Kind kind, String reason, int branch) {
        this.kind = kind;
        this.reason = reason;
        this.branch = branch;
    }

    /** The event goes to the dead-letter topic with this reason. */
    public static Outcome deadLetter(String reason) {
        return new Outcome(Kind.DEAD_LETTER, reason, -1);
    }

    /** The event goes to the destination of branch {@code index} of a router. */
    public static Outcome branch(int index) {
        return index < BRANCHES.length ? BRANCHES[index] : new Outcome(Kind.BRANCH, null, index);
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    public int branchIndex() {
        return branch;
    }
}

package io.hyphae.route.loader;

/** What every node of one load shares: the file name for messages, env substitution and the problem list. */
record LoadContext(String file, EnvSubstitution env, Problems problems) {
}

/** The {@code align} command-line tool: one picocli subcommand per job, each a thin shell over the Java API. */
package dev.align4j.examples.cli;

/**
 * Constitutional AI: constitution files. {@link dev.align4j.core.cai.ConstitutionFiles} loads a
 * {@link dev.align4j.api.judge.Constitution} from align4j's own JSON or YAML format, from Hugging Face llm-swarm's
 * format and from the prompt files Anthropic published with the Constitutional AI paper, detecting the format from
 * the content ({@link dev.align4j.core.cai.ConstitutionFormat}); writes any constitution back in align4j's canonical
 * JSON; and holds the built-in task world's constitution. A file that cannot be used as written fails with a
 * {@link dev.align4j.core.cai.ConstitutionFileException} naming the file, the line, the JSON path, what was expected
 * and what was found; nothing in a file is silently ignored.
 */
package dev.align4j.core.cai;

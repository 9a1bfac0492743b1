/**
 * Constitutional AI and AI feedback: written principles ({@link dev.align4j.api.judge.Constitution}), the models that
 * answer in chat ({@link dev.align4j.api.judge.ChatModel}), the judges that compare two answers against a principle
 * ({@link dev.align4j.api.judge.Judge}), the revisers that critique and rewrite an answer
 * ({@link dev.align4j.api.judge.Reviser}) and the labellers that turn pairs into preference labels
 * ({@link dev.align4j.api.judge.Labeller}).
 *
 * <p>Outcomes are typed ({@link dev.align4j.api.judge.Outcome}): a judge that fails, refuses or answers outside the
 * options says so, and nothing turns such an answer into a side.
 */
package dev.align4j.api.judge;

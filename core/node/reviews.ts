/**
 * Reviews of a change request, recorded where the request is: appended to its reviews: list with who and the time
 * (stamped here, not typed), so that review turnaround is measured from the workspace.
 */
import { editYaml } from '../common/yaml/edit.js';

export interface ReviewInput {
  by: string;
  outcome: 'approve' | 'request_changes' | 'comment';
  note?: string;
  at?: Date;
}

/** The CR's text with one review appended (comments and formatting kept). */
export function reviewText(text: string, review: ReviewInput): string {
  const at = (review.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const item: Record<string, string> = { by: review.by, at, outcome: review.outcome };
  if (review.note?.trim()) item.note = review.note.trim();
  return editYaml(text, [{ op: 'append', path: ['reviews'], value: item }]);
}

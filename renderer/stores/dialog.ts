import { create } from 'zustand';

/** A field of an in-app question; `check` says what is wrong with a value, next to the field, or null when it is fine. */
export interface DialogField {
  name: string;
  label: string;
  value?: string;
  type?: 'text' | 'email' | 'password';
  placeholder?: string;
  /** May be left empty. */
  optional?: boolean;
  check?: (value: string) => string | null;
}

export interface DialogRequest {
  title: string;
  message?: string;
  fields: DialogField[];
  /** The label of the button that goes ahead, e.g. "Discard and close". */
  confirm: string;
  cancel?: string;
  /** Going ahead loses something: the button says so in red. */
  danger?: boolean;
  answer(values: Record<string, string> | null): void;
}

interface DialogStore {
  request: DialogRequest | null;
  /** Questions asked while one is shown wait their turn. */
  queue: DialogRequest[];
  open(request: DialogRequest): void;
  settle(values: Record<string, string> | null): void;
}

export const useDialog = create<DialogStore>((set, get) => ({
  request: null,
  queue: [],
  open: (request) => (get().request ? set({ queue: [...get().queue, request] }) : set({ request })),
  settle(values) {
    const { request, queue } = get();
    set({ request: queue[0] ?? null, queue: queue.slice(1) });
    request?.answer(values);
  },
}));

/** Asks a yes/no question in the app (never the browser's native box): true when the person goes ahead. */
export function confirmDialog(title: string, message: string, confirm: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => useDialog.getState().open({ title, message, fields: [], confirm, danger, answer: (v) => resolve(v !== null) }));
}

/** Asks for values in the app; null when the person cancels. Each field's `check` refuses a value next to the field. */
export function askDialog(title: string, fields: DialogField[], opts: { message?: string; confirm?: string } = {}): Promise<Record<string, string> | null> {
  return new Promise((resolve) => useDialog.getState().open({ title, fields, confirm: opts.confirm ?? 'OK', message: opts.message, answer: resolve }));
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Asks once for the name and email that commits and records are made with (kept in the repository's git config). */
export async function askAuthorDialog(purpose: string): Promise<{ name: string; email: string } | null> {
  const v = await askDialog(
    'Who are you?',
    [
      { name: 'name', label: 'Your name', check: (s) => (s.trim() ? null : 'Your name is needed: it goes into git as user.name.') },
      {
        name: 'email',
        label: 'Your email',
        type: 'email',
        check: (s) => (EMAIL.test(s.trim()) ? null : 'An email address such as ana@example.com is needed: it goes into git as user.email.'),
      },
    ],
    { message: `${purpose} They are kept in this repository's git config, as git config user.name and user.email.`, confirm: 'Save and go on' },
  );
  return v ? { name: v.name!.trim(), email: v.email!.trim() } : null;
}

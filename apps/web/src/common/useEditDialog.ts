/**
 * The create/edit dialog of an admin list (devices, HL7 interfaces): which row is open ('new' for a new one), its
 * form, and saving with the server's field errors put on the form fields and the rest shown above the form.
 */
import { App, Form } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formErrorText } from './errors';

export interface EditDialogOptions<Row, Values> {
  /** Form values of a new row. */
  blank: Values;
  create: (values: Values) => Promise<unknown>;
  update: (row: Row, values: Values) => Promise<unknown>;
  /** Shown when a save succeeded; the list is then reloaded through onSaved. */
  savedText: string;
  onSaved: () => void;
}

export function useEditDialog<Row extends object, Values extends object>(
  options: EditDialogOptions<Row, Values>,
) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  const open = (row: Row | 'new') => {
    setError(undefined);
    setEditing(row);
    // A row carries the form's fields (and more, which the form ignores).
    form.setFieldsValue(
      (row === 'new' ? options.blank : { ...row }) as Parameters<typeof form.setFieldsValue>[0],
    );
  };
  const save = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values || editing === null) return;
    setBusy(true);
    setError(undefined);
    try {
      if (editing === 'new') await options.create(values);
      else await options.update(editing, values);
      message.success(options.savedText);
      setEditing(null);
      options.onSaved();
    } catch (e) {
      setError(formErrorText(form, e, t) ?? undefined);
    } finally {
      setBusy(false);
    }
  };
  return {
    form,
    editing,
    error,
    busy,
    open,
    /** Props of the antd Modal holding the form (add title and okButtonProps' test id). */
    modalProps: {
      open: editing !== null,
      onCancel: () => setEditing(null),
      onOk: () => void save(),
      destroyOnHidden: true,
      forceRender: true,
    },
  };
}

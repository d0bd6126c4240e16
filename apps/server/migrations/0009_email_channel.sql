-- E-mail (SMTP) joins the notification channels.
ALTER TABLE notification_channels DROP CONSTRAINT notification_channels_kind_check;
ALTER TABLE notification_channels ADD CONSTRAINT notification_channels_kind_check
  CHECK (kind IN ('wecom-robot', 'webhook', 'sms', 'email'));

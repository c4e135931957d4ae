/**
 * Where a scan comes from: another phone's screen (on the demo page), an
 * uploaded picture, or the camera when the browser has one. Each ends as
 * decoded text handed to `onDecoded`, with how long capture and decoding took.
 */
import { type ChangeEvent, useState } from 'react';
import { useI18n } from '../../lib/i18n';
import { usePhone } from '../wallet/phone-context';
import { CameraScanner, useCameraAvailable } from './CameraScanner';
import { decodeQrFile } from './qr-pixels';
import { scanPhoneScreen, useScreenCamera } from './screen-camera';

export type ScanSource = 'phone' | 'upload' | 'camera';

export interface ScanResult {
  text: string;
  source: ScanSource;
  /** Capture and decoding time in milliseconds. */
  ms: number;
}

export function ScanSources({
  onDecoded,
  onError,
  disabled,
}: {
  onDecoded(result: ScanResult): void;
  onError(error: unknown): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const { session } = usePhone();
  const { phones } = useScreenCamera();
  const cameraAvailable = useCameraAvailable();
  const [camera, setCamera] = useState(false);
  const others = phones.filter((n) => n !== session.phone);

  const scanPhone = (phone: number) => {
    const started = performance.now();
    try {
      const text = scanPhoneScreen(phone);
      onDecoded({ text, source: 'phone', ms: Math.round(performance.now() - started) });
    } catch (e) {
      onError(e);
    }
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    const started = performance.now();
    try {
      const text = await decodeQrFile(file);
      onDecoded({ text, source: 'upload', ms: Math.round(performance.now() - started) });
    } catch (e) {
      onError(e);
    } finally {
      input.value = '';
    }
  };

  return (
    <div className="card scan-sources">
      {others.length > 0 && (
        <div className="scan-phones">
          <span className="muted">{t('scan.pointAt')}</span>
          {others.map((n) => (
            <button
              key={n}
              type="button"
              className="button secondary small"
              disabled={disabled}
              onClick={() => scanPhone(n)}
              data-testid={`scan-phone-${n}`}
            >
              {t('phone.label', { n })}
            </button>
          ))}
        </div>
      )}
      <label className="field">
        <span>{t('scan.upload')}</span>
        <input
          type="file"
          accept="image/*"
          className="input"
          disabled={disabled}
          onChange={(e) => void upload(e)}
          data-testid="scan-upload"
        />
      </label>
      {cameraAvailable &&
        (camera ? (
          <CameraScanner
            onDecoded={(text, ms) => {
              setCamera(false);
              onDecoded({ text, source: 'camera', ms });
            }}
            onError={(e) => {
              setCamera(false);
              onError(e);
            }}
            onClose={() => setCamera(false)}
          />
        ) : (
          <button
            type="button"
            className="button secondary"
            disabled={disabled}
            onClick={() => setCamera(true)}
            data-testid="scan-camera"
          >
            {t('scan.camera')}
          </button>
        ))}
    </div>
  );
}

/**
 * Live camera scanning: frames of the rear camera (getUserMedia) drawn onto
 * a canvas a few times a second and decoded with jsQR until one holds a code.
 */
import { EcnyError } from '@ecny-sim/wallet-core';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../lib/errors';
import { useI18n } from '../../lib/i18n';
import { readableContext, tryDecodeQrPixels } from './qr-pixels';

const FRAME_INTERVAL_MS = 150;

/** True when the browser can reach a camera at all (a secure page with a video input). */
export function useCameraAvailable(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media?.getUserMedia || !media.enumerateDevices) return;
    media.enumerateDevices().then(
      (devices) => live && setAvailable(devices.some((d) => d.kind === 'videoinput')),
      () => {},
    );
    return () => {
      live = false;
    };
  }, []);
  return available;
}

export function CameraScanner({
  onDecoded,
  onError,
  onClose,
}: {
  onDecoded(text: string, ms: number): void;
  onError(error: unknown): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  // Latest callbacks without restarting the camera.
  const callbacks = useRef({ onDecoded, onError });
  callbacks.current = { onDecoded, onError };

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let live = true;
    const started = performance.now();
    const frame = document.createElement('canvas');
    const stop = () => {
      live = false;
      if (timer) clearInterval(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (media) => {
        stream = media;
        if (!live || !video.current) return stop();
        video.current.srcObject = media;
        await video.current.play();
        timer = setInterval(() => {
          const source = video.current;
          if (!source || source.videoWidth === 0) return;
          frame.width = source.videoWidth;
          frame.height = source.videoHeight;
          const context = readableContext(frame);
          context.drawImage(source, 0, 0);
          const text = tryDecodeQrPixels(context.getImageData(0, 0, frame.width, frame.height));
          if (text && live) {
            stop();
            callbacks.current.onDecoded(text, Math.round(performance.now() - started));
          }
        }, FRAME_INTERVAL_MS);
      })
      .catch((cause: unknown) => {
        if (!live) return;
        stop();
        const info = describeError(cause);
        callbacks.current.onError(new EcnyError('CAMERA_UNAVAILABLE', info.message, {}, { cause }));
      });
    return stop;
  }, []);

  return (
    <div className="camera">
      <video ref={video} className="camera-video" muted playsInline data-testid="scan-camera-video" />
      <button type="button" className="button secondary" onClick={onClose}>
        {t('scan.cameraStop')}
      </button>
    </div>
  );
}

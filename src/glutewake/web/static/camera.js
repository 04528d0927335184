// The camera coach's eyes: the device's camera, and MediaPipe Pose (BlazePose) run in this page
// from glutewake's own copy (/static/vendor/pose/). Each picture goes from the camera to the
// model and is dropped; what comes out is 33 landmarks a frame, which the player gives to
// motion.js. No picture is drawn anywhere but the preview, sent anywhere, or kept.
"use strict";

(() => {
  const POSE = "/static/vendor/pose/";
  // The skeleton drawn over the preview: shoulders, arms, trunk, legs and feet.
  const BONES = [
    [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
  ];

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      if (window.Pose) return resolve();
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("the pose model's script did not load"));
      document.head.appendChild(script);
    });
  }

  // What went wrong with the camera, in words that say what to do.
  function why(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "The browser was not allowed to use the camera. Allow it for this page (the camera icon in the address bar), then turn the camera on again.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") return "No camera was found on this device.";
    if (name === "NotReadableError") return "The camera is in use by another program; close it and try again.";
    if (!navigator.mediaDevices) return "This browser cannot use a camera here. Open glutewake at http://127.0.0.1 or over HTTPS.";
    return `The camera could not start (${error && error.message ? error.message : error}).`;
  }

  class Camera {
    // video: the preview; overlay: a canvas over it for the skeleton; onPose(frame, aspect): each
    // frame's landmarks ({t, landmarks: [[x, y, z, visibility] x 33]}, or landmarks null when no
    // one is seen); onStatus(text): loading news; onStopped(why): it stopped by itself.
    constructor({ video, overlay, onPose, onStatus, onStopped }) {
      Object.assign(this, { video, overlay, onPose, onStatus, onStopped });
      this.closed = false;
      this.stream = null;
      this.pose = null;
      this.running = false;
      this.skeleton = true;
      this.frames = 0;
      this.modelSeconds = 0;
      this.probe = document.createElement("canvas");
      this.probe.width = 16;
      this.probe.height = 12;
      this.brightness = null;
      this.lastProbe = 0;
    }

    // Ask for the camera and start the model; rejects with a message to show. Closed while it
    // starts, it lets the camera go as soon as it has it, and resolves.
    async open(complexity) {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error(why(null));
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
        });
      } catch (error) {
        if (this.closed) return;
        throw new Error(why(error));
      }
      if (this.closed) { for (const track of stream.getTracks()) track.stop(); return; }
      this.stream = stream;
      for (const track of stream.getVideoTracks()) {
        track.addEventListener("ended", () => this.stopped("The camera was turned off or unplugged."));
      }
      this.video.srcObject = this.stream;
      await this.video.play().catch(() => {});
      this.onStatus("Loading the pose model (it comes from glutewake, not the internet)…");
      try {
        await loadScript(POSE + "pose.js");
        this.pose = new window.Pose({ locateFile: (file) => POSE + file });
        this.pose.setOptions({
          modelComplexity: complexity, smoothLandmarks: true, enableSegmentation: false,
          minDetectionConfidence: 0.5, minTrackingConfidence: 0.5,
        });
        this.pose.onResults((results) => this.results(results));
        await this.pose.initialize();
      } catch (error) {
        const closed = this.closed;
        this.close();
        if (closed) return;
        throw new Error(`The pose model could not start in this browser (${error.message || error}).`);
      }
      if (this.closed) { this.close(); return; }
      this.running = true;
      this.onStatus("");
      this.pump();
    }

    aspect() {
      return this.video.videoWidth && this.video.videoHeight ? this.video.videoWidth / this.video.videoHeight : 4 / 3;
    }

    // One picture at a time: the next is sent when the model has answered the last.
    async pump() {
      while (this.running) {
        if (this.video.readyState >= 2) {
          this.sentAt = performance.now();
          try {
            await this.pose.send({ image: this.video });
          } catch (error) {
            this.stopped(`The pose model stopped (${error.message || error}).`);
            return;
          }
          this.modelSeconds += (performance.now() - this.sentAt) / 1000;
          this.frames += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }

    // The picture's mean brightness (0-255), from a 16 x 12 copy, about once a second.
    light() {
      const now = performance.now();
      if (now - this.lastProbe > 1000 && this.video.readyState >= 2) {
        this.lastProbe = now;
        const context = this.probe.getContext("2d", { willReadFrequently: true });
        context.drawImage(this.video, 0, 0, 16, 12);
        const pixels = context.getImageData(0, 0, 16, 12).data;
        let sum = 0;
        for (let i = 0; i < pixels.length; i += 4) sum += 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
        this.brightness = sum / (pixels.length / 4);
      }
      return this.brightness;
    }

    results(results) {
      const points = results.poseLandmarks;
      const frame = {
        t: this.sentAt / 1000,
        landmarks: points ? points.map((p) => [p.x, p.y, p.z, p.visibility ?? 0]) : null,
      };
      this.draw(frame.landmarks);
      this.onPose(frame, this.aspect());
    }

    draw(landmarks) {
      const canvas = this.overlay;
      const width = (canvas.width = this.video.videoWidth || 640);
      const height = (canvas.height = this.video.videoHeight || 480);
      const context = canvas.getContext("2d");
      context.clearRect(0, 0, width, height);
      if (!landmarks || !this.skeleton) return;
      const seen = (p) => p[3] >= 0.5;
      context.lineWidth = Math.max(3, width / 160);
      context.strokeStyle = "#2dd4bf";
      context.fillStyle = "#f59e0b";
      for (const [a, b] of BONES) {
        if (!seen(landmarks[a]) || !seen(landmarks[b])) continue;
        context.beginPath();
        context.moveTo(landmarks[a][0] * width, landmarks[a][1] * height);
        context.lineTo(landmarks[b][0] * width, landmarks[b][1] * height);
        context.stroke();
      }
      for (const p of landmarks.slice(11)) {
        if (!seen(p)) continue;
        context.beginPath();
        context.arc(p[0] * width, p[1] * height, context.lineWidth * 1.3, 0, 2 * Math.PI);
        context.fill();
      }
    }

    stopped(text) {
      if (this.closed) return;
      this.close();
      this.onStopped(text);
    }

    // Another model size, without stopping the camera (MediaPipe loads it between two frames).
    setModel(complexity) {
      if (this.pose) this.pose.setOptions({ modelComplexity: complexity });
    }

    // Frames per second of the model itself, so far.
    fps() { return this.modelSeconds ? this.frames / this.modelSeconds : 0; }

    close() {
      this.closed = true;
      this.running = false;
      if (this.stream) for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
      this.video.srcObject = null;
      if (this.pose) this.pose.close().catch(() => {});
      this.pose = null;
      this.draw(null);
    }
  }

  window.GlutewakeCamera = { Camera };
})();

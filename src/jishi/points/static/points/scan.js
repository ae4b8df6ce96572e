// Merchant counter: scan a voucher QR with the phone camera where the browser has BarcodeDetector
// (Chrome/Edge on Android); otherwise the code is typed. No library, nothing loaded from the network.
(function () {
  const button = document.getElementById("scan");
  const input = document.getElementById("code");
  if (!button || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", async function () {
    const video = document.getElementById("scan-video");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) {
      button.textContent = button.dataset.denied;
      return;
    }
    video.hidden = false;
    video.srcObject = stream;
    await video.play();
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
    const tick = async () => {
      const found = await detector.detect(video).catch(() => []);
      const code = found.length ? found[0].rawValue.replace(/\D/g, "") : "";
      if (code) { stop(); input.value = code; input.form.submit(); return; }
      requestAnimationFrame(tick);
    };
    tick();
  });
})();

"""Start the interp-qa web UI: `python app.py` (binds 127.0.0.1:7860; GRADIO_SERVER_NAME/PORT override)."""

from interp_qa.ui import launch

if __name__ == "__main__":
    launch()

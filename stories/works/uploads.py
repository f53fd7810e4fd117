"""An upload handler that stops reading a file once it passes the size limit, so an
oversized upload is refused without being written to disk first."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from stories.importers.base import max_upload_bytes


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of each uploaded file; past the limit it stops the upload and
    marks the request (`request.upload_too_large`), and the view says why."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None

#!/usr/bin/env python3
# -*- coding: utf-8 -*-
#
# Steering file of processing proc9 (prodc: proc9/processing.prod).
# Reconstruction of the raw data of experiments 3, 7 and 8 with
# release-03-02-02 and the global tag data_reprocessing_proc9 (id 654).
# Input and output files are set by the generated job scripts
# (`basf2 proc9.py -i <raw files> -o <mdst file>`); the HLT skims are written
# by the skim step of the same jobs.

import basf2 as b2
from rawdata import add_unpackers
from reconstruction import add_reconstruction
from mdst import add_mdst_output

# Conditions: only the proc9 tag, no fall-back to the default tags.
b2.reset_database()
b2.use_database_chain()
b2.use_central_database("data_reprocessing_proc9")

main = b2.create_path()
main.add_module("RootInput")
main.add_module("Gearbox")
main.add_module("Geometry", useDB=True)
add_unpackers(main)
add_reconstruction(main)
add_mdst_output(main, mc=False, filename="mdst.root")
main.add_module("Progress")

b2.process(main)
print(b2.statistics)
